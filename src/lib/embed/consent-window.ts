/**
 * The consent window (docs/embedding.md, "Consent"): the widget's iframe opens the console's
 * consent page in a window of its own, a first-party page where the person's console cookie
 * works with third-party cookies blocked. The person signs in there if need be, and allows or
 * declines; the page tells the iframe (its opener, a page of the same console origin) and closes.
 *
 * A message counts only when it comes from that window, at the console's own origin, in the shape
 * `ConsentMessageSchema` accepts, for this portal and project. A window that closes without an
 * answer is noticed by polling `closed` (there is no event for it).
 */
import { ConsentMessageSchema, consentPath } from '../shared';

export type ConsentAnswer = 'allowed' | 'declined' | 'closed' | 'blocked';

export interface ConsentWindowOptions {
	portalId: string;
	projectId: string;
	/** The iframe's window: it opens the consent window and hears its answer. */
	win: Pick<Window, 'open' | 'addEventListener' | 'removeEventListener'> & {
		location: Pick<Location, 'origin'>;
	};
	/** How often to look whether the person closed the window. @default 400 */
	pollMs?: number;
}

export interface ConsentWindow {
	/** What the person answered; `blocked` when the browser refused to open the window. */
	answer: Promise<ConsentAnswer>;
	/** Brings the window to the front again (the person lost it behind the portal's page). */
	focus(): void;
}

/** A message posted just before the window closes may arrive after `closed` turns true. */
const CLOSE_GRACE_MS = 300;

/** Opens the consent window; call it from the person's click, or the browser blocks it. */
export function openConsentWindow(options: ConsentWindowOptions): ConsentWindow {
	const { portalId, projectId, win } = options;
	const origin = win.location.origin;
	const popup = win.open(
		`${origin}${consentPath(portalId, projectId)}`,
		'membership-consent',
		'popup,width=520,height=720'
	);
	if (!popup) return { answer: Promise.resolve('blocked'), focus: () => undefined };

	let settle: (answer: ConsentAnswer) => void = () => undefined;
	const answer = new Promise<ConsentAnswer>((resolve) => (settle = resolve));
	const onMessage = (event: MessageEvent) => {
		if (event.source !== popup || event.origin !== origin) return;
		const parsed = ConsentMessageSchema.safeParse(event.data);
		if (!parsed.success) return;
		if (parsed.data.portalId !== portalId || parsed.data.projectId !== projectId) return;
		finish(parsed.data.outcome);
	};
	const poll = setInterval(() => {
		if (!popup.closed) return;
		clearInterval(poll);
		setTimeout(() => finish('closed'), CLOSE_GRACE_MS);
	}, options.pollMs ?? 400);
	let finished = false;
	function finish(outcome: ConsentAnswer): void {
		if (finished) return;
		finished = true;
		clearInterval(poll);
		win.removeEventListener('message', onMessage);
		settle(outcome);
	}
	win.addEventListener('message', onMessage);
	return { answer, focus: () => popup.focus() };
}
