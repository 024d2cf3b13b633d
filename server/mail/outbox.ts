/**
 * The outbox: every message is first a row in SQLite, written synchronously, so that mail can be
 * queued from inside a synchronous step and survives a restart. The delivery loop (mailer.ts)
 * moves rows from `queued` to `sent`, `failed` or `kept-locally`.
 *
 * A message body holds a link, and a link holds a token in clear. Bodies are therefore blanked
 * once a message is delivered or given up, and local messages (no SMTP server: the outbox is
 * their only destination) are blanked once every link they can hold has expired.
 */
import { preparedOnce, type Db } from '../db/database';

export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
}

export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'kept-locally';

export interface OutboxEntry extends MailMessage {
	id: number;
	status: OutboxStatus;
	attempts: number;
	createdAt: number;
	sentAt: number | null;
	lastError: string | null;
}

interface OutboxRow {
	id: number;
	to_address: string;
	subject: string;
	text: string;
	html: string;
	status: OutboxStatus;
	attempts: number;
	created_at: number;
	sent_at: number | null;
	last_error: string | null;
}

// The statements a mail goes through, prepared once: a change that mails someone queues a row,
// and the delivery loop then reads and marks it (and the queued ones it gathered with it).
const insertMessage = preparedOnce(
	`INSERT INTO mail_outbox (to_address, subject, text, html, status, next_attempt_at, created_at)
	 VALUES (?, ?, ?, ?, 'queued', ?, ?)`
);
const selectDueMessages = preparedOnce(
	`SELECT * FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ?
	 ORDER BY next_attempt_at, id LIMIT ?`
);
const selectNextAttempt = preparedOnce(
	`SELECT min(next_attempt_at) FROM mail_outbox WHERE status = 'queued'`,
	(statement) => statement.pluck()
);
const updateSent = preparedOnce(
	`UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,
	 last_error = NULL, text = '', html = '' WHERE id = ?`
);
const updateKeptLocally = preparedOnce(
	`UPDATE mail_outbox SET status = 'kept-locally' WHERE id = ?`
);
const updateFailed = preparedOnce(
	`UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,
	 text = '', html = '' WHERE id = ?`
);
const updateRetry = preparedOnce(
	`UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
	 WHERE id = ?`
);

export function addToOutbox(db: Db, message: MailMessage, now: number): number {
	const result = insertMessage(db).run(
		message.to,
		message.subject,
		message.text,
		message.html,
		now,
		now
	);
	return Number(result.lastInsertRowid);
}

/** The queued messages due by `now`, at most `limit`, the one due first first. */
export function dueMessages(db: Db, now: number, limit: number): OutboxEntry[] {
	return (selectDueMessages(db).all(now, limit) as OutboxRow[]).map(toEntry);
}

/** When the queued message due first falls due; null when nothing is queued. */
export function nextAttemptAt(db: Db): number | null {
	return (selectNextAttempt(db).get() as number | null) ?? null;
}

/** How many messages wait to be sent, retries included (the mail queue's gauge). */
export function countQueuedMessages(db: Db): number {
	return db
		.prepare(`SELECT COUNT(*) FROM mail_outbox WHERE status = 'queued'`)
		.pluck()
		.get() as number;
}

export function markSent(db: Db, id: number, now: number): void {
	updateSent(db).run(now, id);
}

/** Marks messages kept in the local outbox, in one commit however many they are. */
export function markKeptLocally(db: Db, ids: readonly number[]): void {
	db.transaction(() => ids.forEach((id) => updateKeptLocally(db).run(id)))();
}

/** Records a failed attempt: try again at `retryAt`, or give up when it is null. */
export function markAttemptFailed(db: Db, id: number, error: string, retryAt: number | null): void {
	if (retryAt === null) {
		updateFailed(db).run(error, id);
		return;
	}
	updateRetry(db).run(error, retryAt, id);
}

/** Blanks the bodies of local messages older than `before`: their links have expired. */
export function blankExpiredLocalMessages(db: Db, before: number): number {
	return db
		.prepare(
			`UPDATE mail_outbox SET text = '', html = ''
			 WHERE status = 'kept-locally' AND created_at < ? AND text != ''`
		)
		.run(before).changes;
}

/** The most recent messages, newest first (the developer outbox). */
export function listRecentMessages(db: Db, limit: number): OutboxEntry[] {
	const rows = db
		.prepare('SELECT * FROM mail_outbox ORDER BY id DESC LIMIT ?')
		.all(limit) as OutboxRow[];
	return rows.map(toEntry);
}

function toEntry(row: OutboxRow): OutboxEntry {
	return {
		id: row.id,
		to: row.to_address,
		subject: row.subject,
		text: row.text,
		html: row.html,
		status: row.status,
		attempts: row.attempts,
		createdAt: row.created_at,
		sentAt: row.sent_at,
		lastError: row.last_error
	};
}
