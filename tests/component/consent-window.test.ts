import { afterEach, describe, expect, it, vi } from 'vitest';
import { openConsentWindow } from '../../src/lib/embed/consent-window';

const CONSOLE = 'https://console.example.org';

/** A window standing in for the consent window, or for an intruder. */
function otherWindow(): Window {
	const frame = document.createElement('iframe');
	document.body.append(frame);
	return frame.contentWindow!;
}

/** The iframe's window as the consent window sees it: it opens `popup` (null: blocked). */
function setUp(popup: Window | null) {
	const listeners = new Set<(event: MessageEvent) => void>();
	const open = vi.fn(() => popup);
	const win = {
		location: { origin: CONSOLE },
		open,
		addEventListener: (_type: string, listener: (event: MessageEvent) => void) =>
			listeners.add(listener),
		removeEventListener: (_type: string, listener: (event: MessageEvent) => void) =>
			listeners.delete(listener)
	} as unknown as Parameters<typeof openConsentWindow>[0]['win'];
	const deliver = (data: unknown, source: Window | null = popup, origin = CONSOLE) => {
		const event = new MessageEvent('message', { data, source, origin });
		for (const listener of [...listeners]) listener(event);
	};
	return { win, open, deliver, listeners };
}

const ANSWER = { source: 'membership-consent', portalId: 'portal1', projectId: 'p1' };

async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	void promise.then(() => (done = true));
	await new Promise((resolve) => setTimeout(resolve, 0));
	return done;
}

afterEach(() => {
	vi.useRealTimers();
	document.body.replaceChildren();
});

describe('the consent window, from the widget’s iframe', () => {
	it('opens the console’s consent page for the portal and project, and takes its answer', async () => {
		const popup = otherWindow();
		const { win, open, deliver, listeners } = setUp(popup);
		const opened = openConsentWindow({ portalId: 'portal1', projectId: 'p1', win });
		expect(open).toHaveBeenCalledWith(
			`${CONSOLE}/embed/consent?portal=portal1&project=p1`,
			'membership-consent',
			expect.stringContaining('popup')
		);
		deliver({ ...ANSWER, outcome: 'allowed' });
		await expect(opened.answer).resolves.toBe('allowed');
		expect(listeners.size).toBe(0);
	});

	it('hears only that window, at the console’s own origin, about this portal and project', async () => {
		const popup = otherWindow();
		const { win, deliver } = setUp(popup);
		const opened = openConsentWindow({ portalId: 'portal1', projectId: 'p1', win });
		deliver({ ...ANSWER, outcome: 'allowed' }, otherWindow());
		deliver({ ...ANSWER, outcome: 'allowed' }, popup, 'https://portal.example.org');
		deliver({ ...ANSWER, portalId: 'portal2', outcome: 'allowed' });
		deliver({ ...ANSWER, projectId: 'p2', outcome: 'allowed' });
		deliver({ ...ANSWER, outcome: 'maybe' });
		expect(await settled(opened.answer)).toBe(false);
		deliver({ ...ANSWER, outcome: 'declined' });
		await expect(opened.answer).resolves.toBe('declined');
	});

	it('notices a window closed without an answer, and a window the browser blocked', async () => {
		vi.useFakeTimers();
		const popup = { closed: false, focus: vi.fn() } as unknown as Window;
		const { win } = setUp(popup);
		const opened = openConsentWindow({ portalId: 'portal1', projectId: 'p1', win, pollMs: 100 });
		vi.advanceTimersByTime(1000);
		(popup as { closed: boolean }).closed = true;
		vi.advanceTimersByTime(1000);
		await expect(opened.answer).resolves.toBe('closed');

		const blocked = openConsentWindow({
			portalId: 'portal1',
			projectId: 'p1',
			win: setUp(null).win
		});
		await expect(blocked.answer).resolves.toBe('blocked');
	});
});
