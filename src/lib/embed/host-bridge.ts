/**
 * The iframe's side of the widget's messages (docs/embedding.md). It talks to one window, the
 * parent, at one origin, the portal's page: it posts with that exact target origin, and reads a
 * message only when it comes from that window, at that origin, in a shape `HostMessageSchema`
 * accepts. Anything else is ignored; a message that claims to be the widget's but comes from
 * elsewhere is also logged, since it is someone trying.
 */
import {
	CONSENT_REQUIRED,
	HostMessageSchema,
	WIDGET_SOURCE,
	type FrameMessage,
	type HostMessage,
	type Theme
} from '../shared';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type OutgoingMessage = DistributiveOmit<FrameMessage, 'source'>;

/** A ticket, or why the portal gave none (`consentRequired`: the person must allow the portal). */
export type TicketOutcome =
	{ ok: true; ticket: string } | { ok: false; message: string; consentRequired: boolean };

export interface HostBridgeOptions {
	/** The window the widget's element lives in. */
	parent: Pick<Window, 'postMessage'>;
	/** The parent's exact origin, one of the portal's. */
	parentOrigin: string;
	/** Where messages arrive (the iframe's window). */
	target: Pick<Window, 'addEventListener' | 'removeEventListener'>;
	onTheme?: (theme: Theme) => void;
	/**
	 * How long to wait for the portal's ticket before giving up: an element that never answers
	 * (no element at all, a broken page) should not leave the person waiting forever.
	 * @default 20 seconds
	 */
	ticketTimeoutMs?: number;
}

interface Waiting {
	resolve: (outcome: TicketOutcome) => void;
	timer: ReturnType<typeof setTimeout>;
}

export class HostBridge {
	readonly #options: HostBridgeOptions;
	readonly #waiting = new Map<string, Waiting>();
	#counter = 0;

	constructor(options: HostBridgeOptions) {
		this.#options = options;
		options.target.addEventListener('message', this.#receive);
	}

	post(message: OutgoingMessage): void {
		this.#options.parent.postMessage(
			{ source: WIDGET_SOURCE, ...message },
			this.#options.parentOrigin
		);
	}

	/** Asks the element for a ticket from the portal's `ticket-url`. */
	requestTicket(): Promise<TicketOutcome> {
		const id = `t${++this.#counter}`;
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#waiting.delete(id);
				resolve({
					ok: false,
					message: 'The portal did not answer. Reload the page to try again.',
					consentRequired: false
				});
			}, this.#options.ticketTimeoutMs ?? 20_000);
			this.#waiting.set(id, { resolve, timer });
			this.post({ type: 'ticket-request', id });
		});
	}

	destroy(): void {
		this.#options.target.removeEventListener('message', this.#receive);
		for (const waiting of this.#waiting.values()) clearTimeout(waiting.timer);
		this.#waiting.clear();
	}

	#receive = (event: MessageEvent): void => {
		const claimsWidget = (event.data as { source?: unknown } | null)?.source === WIDGET_SOURCE;
		if (event.source !== this.#options.parent || event.origin !== this.#options.parentOrigin) {
			if (claimsWidget)
				console.warn(
					`membership widget: ignored a message from ${event.origin || 'an unknown origin'}: only the portal's page at ${this.#options.parentOrigin} is listened to.`
				);
			return;
		}
		const parsed = HostMessageSchema.safeParse(event.data);
		if (parsed.success) this.#handle(parsed.data);
		else if (claimsWidget) console.warn('membership widget: ignored a malformed message.');
	};

	#handle(message: HostMessage): void {
		if (message.type === 'theme') {
			this.#options.onTheme?.(message.theme);
			return;
		}
		const waiting = this.#waiting.get(message.id);
		if (!waiting) return;
		this.#waiting.delete(message.id);
		clearTimeout(waiting.timer);
		waiting.resolve(
			message.type === 'ticket'
				? { ok: true, ticket: message.ticket }
				: {
						ok: false,
						message: message.message,
						consentRequired: message.code === CONSENT_REQUIRED
					}
		);
	}
}
