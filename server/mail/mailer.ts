/**
 * The mailer: `enqueue` writes a message to the outbox and returns at once (synchronously, so it
 * can run inside a synchronous step); a delivery loop then sends the queued rows one by one.
 * With an SMTP server configured it sends through nodemailer and retries transient failures with
 * exponential backoff; without one (the embedded default) it keeps each message in the outbox,
 * marked `kept-locally`, and prints its recipient, subject and links to the server log.
 */
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import type { Db } from '../db/database';
import {
	addToOutbox,
	markAttemptFailed,
	markKeptLocally,
	markSent,
	nextDueMessage,
	type MailMessage,
	type OutboxEntry
} from './outbox';

/** What code that sends mail needs of the mailer: to queue a message, synchronously. */
export interface MailQueue {
	enqueue(message: MailMessage): number;
}

export interface MailerOptions {
	/** The From header of every message. */
	from: string;
	/** `smtp://` or `smtps://` URL; null keeps every message in the local outbox. */
	smtpUrl: string | null;
	now?: () => number;
	/** Attempts per message before it is marked failed. @default 6 (about a minute of retries at the default delays) */
	maxAttempts?: number;
	/** Wait after the first failure, doubled after each further one. @default 2000 */
	retryBaseDelayMs?: number;
	/** Where kept-locally messages and delivery failures are reported. @default console.log */
	log?: (line: string) => void;
}

/** Messages handled per turn of the loop before it yields to other work. */
const BATCH = 20;
/** Longest the loop sleeps before looking at the outbox again, whatever a clock says. */
const MAX_SLEEP_MS = 60_000;

export class Mailer implements MailQueue {
	readonly #db: Db;
	readonly #from: string;
	readonly #transport: Transporter | null;
	readonly #now: () => number;
	readonly #maxAttempts: number;
	readonly #retryBaseDelayMs: number;
	readonly #log: (line: string) => void;
	#timer: NodeJS.Timeout | null = null;
	#running: Promise<void> | null = null;
	#stopped = true;

	constructor(db: Db, options: MailerOptions) {
		this.#db = db;
		this.#from = options.from;
		this.#transport = options.smtpUrl
			? nodemailer.createTransport({
					url: options.smtpUrl,
					connectionTimeout: 10_000,
					greetingTimeout: 10_000,
					socketTimeout: 30_000
				})
			: null;
		this.#now = options.now ?? Date.now;
		this.#maxAttempts = options.maxAttempts ?? 6;
		this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 2000;
		this.#log = options.log ?? console.log;
	}

	/** Queues a message; it is delivered (or kept locally) shortly after, even across restarts. */
	enqueue(message: MailMessage): number {
		const id = addToOutbox(this.#db, message, this.#now());
		// After the current synchronous step: if it is a transaction, the row is committed by then.
		if (!this.#stopped) this.#schedule(0);
		return id;
	}

	/** Starts delivering, beginning with whatever a previous run left queued. */
	start(): void {
		this.#stopped = false;
		this.#schedule(0);
	}

	/** Stops the loop after the message in flight, if any, and closes the SMTP connection. */
	async stop(): Promise<void> {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		await this.#running;
		this.#transport?.close();
	}

	#schedule(delayMs: number): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => this.#wake(), Math.min(Math.max(0, delayMs), MAX_SLEEP_MS));
		this.#timer.unref();
	}

	#wake(): void {
		this.#timer = null;
		if (this.#stopped || this.#running) return;
		this.#running = this.#deliverDue()
			.catch((error: unknown) => {
				// The outbox itself failed (a locked or closed database): try again later rather
				// than end the process on an unhandled rejection.
				this.#log(`[mail] the delivery loop failed: ${String(error)}`);
				if (!this.#stopped) this.#schedule(MAX_SLEEP_MS);
			})
			.finally(() => {
				this.#running = null;
			});
	}

	async #deliverDue(): Promise<void> {
		for (let handled = 0; !this.#stopped; handled++) {
			if (handled === BATCH) return this.#schedule(0);
			const next = nextDueMessage(this.#db, this.#now());
			if (!('id' in next)) {
				if (next.nextAt !== null) this.#schedule(next.nextAt - this.#now());
				return;
			}
			await this.#deliver(next);
		}
	}

	async #deliver(message: OutboxEntry): Promise<void> {
		if (!this.#transport) {
			markKeptLocally(this.#db, message.id);
			this.#log(describeLocalMessage(message));
			return;
		}
		try {
			const { to, subject, text, html } = message;
			await this.#transport.sendMail({ from: this.#from, to, subject, text, html });
			markSent(this.#db, message.id, this.#now());
		} catch (error) {
			const failure = error as NodemailerError;
			const attempts = message.attempts + 1;
			const giveUp = failure.permanent === true || attempts >= this.#maxAttempts;
			const retryAt = giveUp ? null : this.#now() + this.#retryBaseDelayMs * 2 ** (attempts - 1);
			markAttemptFailed(this.#db, message.id, failure.message, retryAt);
			if (giveUp)
				this.#log(`[mail] giving up on message ${message.id} to ${message.to}: ${failure.message}`);
		}
	}
}

function describeLocalMessage(message: OutboxEntry): string {
	const links = message.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
	return [
		`[mail] kept in the local outbox (no SMTP_URL): to ${message.to}, "${message.subject}"`,
		...links.map((link) => `[mail]   ${link}`)
	].join('\n');
}
