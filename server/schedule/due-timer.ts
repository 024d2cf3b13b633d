/**
 * The timer every scheduler of work that falls due shares (digests, access reviews, end dates):
 * it wakes when the next piece is due, never sleeps longer than a bound (setTimeout cannot wait
 * more than 24.8 days, and a missed change of schedule should not wait long either), runs what is
 * due, and keeps going whatever a run throws. What is still due after a run (work that cannot be
 * done now: a project gone, a locked database) is looked at again after `retryMs`, never at once,
 * so that one stuck piece cannot keep the event loop turning.
 */
import type { Log } from '../observability/log';

export interface DueWork {
	/** Does everything due by now. */
	runDue(): unknown;
	/** When the next piece of work falls due; null when nothing waits. */
	nextDueAt(now: number): number | null;
	now(): number;
	log: Log;
	/** What the log says when a run fails: "delivering due digests failed". */
	failure: string;
	/** The longest sleep between two looks. */
	longestSleepMs: number;
	/** How long work still due after a run waits for another try. */
	retryMs: number;
}

export class DueTimer {
	readonly #work: DueWork;
	#timer: NodeJS.Timeout | null = null;
	#stopped = true;

	constructor(work: DueWork) {
		this.#work = work;
	}

	/** Starts looking, first at the next turn of the event loop. */
	start(): void {
		this.#stopped = false;
		this.#schedule(0);
	}

	/** Starts looking, running what is due now, before anything else is served. */
	startNow(): void {
		this.#stopped = false;
		this.#wake();
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	/** The schedule changed: look again at the next turn (nothing while stopped). */
	wakeSoon(): void {
		if (!this.#stopped) this.#schedule(0);
	}

	#schedule(delayMs: number): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => this.#wake(), delayMs);
		this.#timer.unref();
	}

	#wake(): void {
		this.#timer = null;
		if (this.#stopped) return;
		const { log, failure, longestSleepMs, retryMs } = this.#work;
		try {
			this.#work.runDue();
		} catch (error) {
			// A locked or closed database: try again later rather than end the process.
			log.error({ err: error }, `${failure}; trying again later`);
		}
		const now = this.#work.now();
		const next = this.#work.nextDueAt(now);
		const wait = next === null ? longestSleepMs : next - now;
		this.#schedule(wait > 0 ? Math.min(wait, longestSleepMs) : Math.min(retryMs, longestSleepMs));
	}
}
