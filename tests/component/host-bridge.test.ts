import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostBridge } from '../../src/lib/embed/host-bridge';

const PORTAL = 'https://portal.example.org';
const TICKET = 'a'.repeat(32);

/** Another window (an iframe's), standing in for the portal's page or an intruder. */
function otherWindow(): Window {
	const frame = document.createElement('iframe');
	document.body.append(frame);
	return frame.contentWindow!;
}

function setUp() {
	const parent = otherWindow();
	const posted = vi.spyOn(parent, 'postMessage').mockImplementation(() => undefined);
	const onTheme = vi.fn();
	const bridge = new HostBridge({ parent, parentOrigin: PORTAL, target: window, onTheme });
	const deliver = (data: unknown, source: Window = parent, origin = PORTAL) =>
		window.dispatchEvent(new MessageEvent('message', { data, source, origin }));
	return { parent, posted, bridge, deliver, onTheme };
}

/** Whether the promise has settled, once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	void promise.then(() => (done = true));
	await new Promise((resolve) => setTimeout(resolve, 0));
	return done;
}

afterEach(() => {
	vi.restoreAllMocks();
	document.body.replaceChildren();
});

describe('the iframe’s side of the widget’s messages', () => {
	it('asks the portal’s page for a ticket at its exact origin, and takes the page’s answer', async () => {
		const { posted, bridge, deliver } = setUp();
		const ticket = bridge.requestTicket();
		expect(posted).toHaveBeenCalledWith(
			{ source: 'membership-widget', type: 'ticket-request', id: 't1' },
			PORTAL
		);
		deliver({ source: 'membership-widget', type: 'ticket', id: 't1', ticket: TICKET });
		await expect(ticket).resolves.toEqual({ ok: true, ticket: TICKET });
		bridge.destroy();
	});

	it('ignores a ticket from another origin or another window, and says so', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		const { parent, bridge, deliver } = setUp();
		const ticket = bridge.requestTicket();
		const message = { source: 'membership-widget', type: 'ticket', id: 't1', ticket: TICKET };

		deliver(message, parent, 'https://evil.example');
		deliver(message, otherWindow(), PORTAL);
		expect(await settled(ticket)).toBe(false);
		expect(warn).toHaveBeenCalledWith(
			expect.stringContaining('ignored a message from https://evil.example')
		);
		expect(warn).toHaveBeenCalledTimes(2);

		deliver({ ...message, ticket: 'b'.repeat(32) });
		await expect(ticket).resolves.toEqual({ ok: true, ticket: 'b'.repeat(32) });
		bridge.destroy();
	});

	it('ignores messages of a shape it does not know', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		const { bridge, deliver } = setUp();
		const ticket = bridge.requestTicket();
		deliver({ source: 'membership-widget', type: 'ticket', id: 't1', ticket: '<script>' });
		deliver({ source: 'membership-widget', type: 'ticket', id: 't2', ticket: TICKET });
		deliver({ type: 'ticket', id: 't1', ticket: TICKET });
		expect(await settled(ticket)).toBe(false);
		expect(warn).toHaveBeenCalledWith('membership widget: ignored a malformed message.');
		bridge.destroy();
	});

	it('passes the portal’s failure on, and the theme it asks for', async () => {
		const { bridge, deliver, onTheme } = setUp();
		const ticket = bridge.requestTicket();
		deliver({
			source: 'membership-widget',
			type: 'ticket-error',
			id: 't1',
			message: 'Not signed in.'
		});
		await expect(ticket).resolves.toEqual({
			ok: false,
			message: 'Not signed in.',
			consentRequired: false
		});
		const asking = bridge.requestTicket();
		deliver({
			source: 'membership-widget',
			type: 'ticket-error',
			id: 't2',
			message: 'This person has not allowed the portal.',
			code: 'consent-required'
		});
		await expect(asking).resolves.toMatchObject({ ok: false, consentRequired: true });
		deliver({ source: 'membership-widget', type: 'theme', theme: 'dark' });
		expect(onTheme).toHaveBeenCalledWith('dark');
		bridge.destroy();
	});

	it('stops waiting when the portal never answers', async () => {
		vi.useFakeTimers();
		try {
			const { bridge } = setUp();
			const ticket = bridge.requestTicket();
			vi.advanceTimersByTime(20_000);
			await expect(ticket).resolves.toEqual({
				ok: false,
				message: 'The portal did not answer. Reload the page to try again.',
				consentRequired: false
			});
			bridge.destroy();
		} finally {
			vi.useRealTimers();
		}
	});
});
