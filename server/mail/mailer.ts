/**
 * The mailer: `enqueue` writes a message to the outbox and returns at once (synchronously, so it
 * can run inside a synchronous step); a delivery loop then sends the queued rows one by one.
 * With an SMTP server configured it sends through nodemailer and retries transient failures with
 * exponential backoff; without one (the embedded default) it keeps each message in the outbox,
 * marked `kept-locally`, and logs its recipient and subject, with its links as `secretLinks`,
 * which only the readable (development) log shows (server/observability/log.ts).
 */
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import type { Db } from '../db/database';
import { SECRET_LINKS, type Log } from '../observability/log';
import { UNMEASURED, type Metrics } from '../observability/metrics';
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
	/** Where kept-locally messages and delivery failures are reported. */
	log: Log;
	/** Counts deliveries and failures. @default UNMEASURED */
	metrics?: Metrics;
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
	readonly #log: Log;
	readonly #metrics: Metrics;
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
		this.#log = options.log;
		this.#metrics = options.metrics ?? UNMEASURED;
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
				this.#log.error({ err: error }, 'the mail delivery loop failed; trying again in a minute');
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
		const { id, to, subject } = message;
		if (!this.#transport) {
			markKeptLocally(this.#db, id);
			const links = message.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
			this.#log.info(
				{ messageId: id, to, subject, [SECRET_LINKS]: links },
				'mail kept in the local outbox (no SMTP_URL)'
			);
			return;
		}
		try {
			const { text, html } = message;
			await this.#transport.sendMail({ from: this.#from, to, subject, text, html });
			markSent(this.#db, id, this.#now());
			this.#metrics.mailSent();
			this.#log.debug({ messageId: id, to }, 'mail sent');
		} catch (error) {
			const failure = error as NodemailerError;
			const attempts = message.attempts + 1;
			const giveUp = failure.permanent === true || attempts >= this.#maxAttempts;
			const retryAt = giveUp ? null : this.#now() + this.#retryBaseDelayMs * 2 ** (attempts - 1);
			markAttemptFailed(this.#db, id, failure.message, retryAt);
			this.#metrics.mailFailed(giveUp ? 'given-up' : 'retrying');
			const facts = { messageId: id, to, attempts, reason: failure.message };
			if (giveUp) this.#log.warn(facts, 'mail given up');
			else
				this.#log.info(
					{ ...facts, retryAt: new Date(retryAt!).toISOString() },
					'mail delivery failed; retrying'
				);
		}
	}
}
