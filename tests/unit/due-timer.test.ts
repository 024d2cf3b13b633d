/**
 * The timer the schedulers share: work still due after a run (it cannot be done now) is tried
 * again after the retry interval, never at once, and a run that throws does not stop the timer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/observability/log';
import { DueTimer } from '../../server/schedule/due-timer';

const log = createLogger({ level: 'silent', format: 'readable' }, process.stderr);
const timers: DueTimer[] = [];
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
	for (const timer of timers.splice(0)) timer.stop();
});

function stuckWork(runDue: () => void): DueTimer {
	const timer = new DueTimer({
		runDue,
		// Always due: the work cannot be done.
		nextDueAt: (now) => now - 1,
		now: Date.now,
		log,
		failure: 'test work failed',
		longestSleepMs: 60_000,
		retryMs: 100
	});
	timers.push(timer);
	return timer;
}

describe('a due timer', () => {
	it('does not spin on work that stays due: it tries again after the retry interval', async () => {
		let runs = 0;
		stuckWork(() => (runs += 1)).startNow();
		expect(runs).toBe(1);
		await wait(350);
		expect(runs).toBeGreaterThanOrEqual(2);
		expect(runs).toBeLessThanOrEqual(5);
	});

	it('keeps going after a run throws, and runs nothing once stopped', async () => {
		let runs = 0;
		const timer = stuckWork(() => {
			runs += 1;
			throw new Error('locked');
		});
		timer.start();
		await wait(250);
		expect(runs).toBeGreaterThanOrEqual(2);
		timer.stop();
		const stoppedAt = runs;
		timer.wakeSoon();
		await wait(250);
		expect(runs).toBe(stoppedAt);
	});
});
