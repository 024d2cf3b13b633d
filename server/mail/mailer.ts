/**
 * The mailer: `enqueue` writes a message to the outbox and returns at once (synchronously, so it
 * can run inside a synchronous step); a delivery loop then takes the queued rows, what was queued
 * within a quarter of a second together. With an SMTP server configured it sends them one by one
 * through nodemailer and retries transient failures with exponential backoff; without one (the
 * embedded default) it keeps them in the outbox, marked `kept-locally` in one commit, and logs
 * each one's recipient and subject, with its links as `secretLinks`,
 * which only the readable (development) log shows (server/observability/log.ts).
 */
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import type { Db } from '../db/database';
import { SECRET_LINKS, type Log } from '../observability/log';
import { UNMEASURED, type Metrics } from '../observability/metrics';
import {
	addToOutbox,
	dueMessages,
	markAttemptFailed,
	markKeptLocally,
	markSent,
	nextAttemptAt,
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
/**
 * How long a queued message waits for others to go with it: the loop then reads them in one query
 * and, keeping them locally, marks them in one commit, instead of a read, a write and a commit for
 * every change that mails somebody.
 */
const GATHER_MS = 250;
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
	/** When the pending timer fires (performance.now() time). */
	#wakeAt = 0;
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
		// After the current synchronous step (if it is a transaction, the row is committed by then)
		// and whatever else is queued meanwhile.
		if (!this.#stopped) this.#schedule(GATHER_MS);
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

	/** Wakes the loop in `delayMs`, unless it is to wake sooner already. */
	#schedule(delayMs: number): void {
		const delay = Math.min(Math.max(0, delayMs), MAX_SLEEP_MS);
		const wakeAt = performance.now() + delay;
		if (this.#timer) {
			if (this.#wakeAt <= wakeAt) return;
			clearTimeout(this.#timer);
		}
		this.#wakeAt = wakeAt;
		this.#timer = setTimeout(() => this.#wake(), delay);
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
		const due = dueMessages(this.#db, this.#now(), BATCH);
		if (this.#transport) {
			for (const message of due) {
				if (this.#stopped) return;
				await this.#send(this.#transport, message);
			}
		} else {
			this.#keepLocally(due);
		}
		if (this.#stopped) return;
		if (due.length === BATCH) return this.#schedule(0);
		const nextAt = nextAttemptAt(this.#db);
		if (nextAt !== null) this.#schedule(nextAt - this.#now());
	}

	#keepLocally(messages: readonly OutboxEntry[]): void {
		if (messages.length === 0) return;
		markKeptLocally(
			this.#db,
			messages.map((message) => message.id)
		);
		for (const { id, to, subject, text } of messages) {
			const links = text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
			this.#log.info(
				{ messageId: id, to, subject, [SECRET_LINKS]: links },
				'mail kept in the local outbox (no SMTP_URL)'
			);
		}
	}

	async #send(transport: Transporter, message: OutboxEntry): Promise<void> {
		const { id, to, subject, text, html } = message;
		try {
			await transport.sendMail({ from: this.#from, to, subject, text, html });
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
