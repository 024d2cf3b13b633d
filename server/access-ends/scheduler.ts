/**
 * Ends memberships on their end dates and reminds before: a timer wakes when the next end date or
 * reminder falls due (never sleeping longer than `LONGEST_SLEEP_MS`, under setTimeout's limit),
 * and whenever an end date changes; `start` looks at once, so that what fell due while the server
 * was down ends before the first connection is served.
 *
 * An ending is a server change of the project document (author null), so every extension follows
 * as for any removal: the audit log ("… access ended as planned"), the SQL indexes, the person's
 * project drop-down and notice, the membership news mail, and the end of their open connections.
 * The project's last Project Admin is never removed this way: their end date is cleared instead,
 * which the audit log and their notice say.
 *
 * Each reminder (a week and a day before, `REMINDER_DAYS`) is sent once, to the member and to the
 * project's other Project Admins, also across restarts: its row in `access_end_reminders` and its
 * mails in the outbox are written in one transaction, guarded by the row's key. A reminder whose
 * day had already come when the end date was set is not sent: the member was told of the end date
 * then (membership news, or the invitation), and the admin set it.
 */
import { DueTimer } from '../schedule/due-timer';
import type { Log } from '../observability/log';
import {
	daysInMs,
	endsAtOf,
	formatEndDate,
	hasEnded,
	projectDocument,
	readStoredEntry,
	REMINDER_DAYS,
	ROLE_LABELS,
	type EntryChange,
	type Member
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { accessEndingMail, memberAccessEndingMail, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import type { AccessEndRow } from './end-index';

export interface AccessEndDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
	log: Log;
}

/** The longest timer: setTimeout fires at once for more than 2^31 - 1 ms (24.8 days). */
export const LONGEST_SLEEP_MS = daysInMs(24);

/** How long what could not be done waits before it is tried again. */
const RETRY_MS = 60_000;

/** Rows handled per query, so that a long list is read in pages. */
const BATCH = 100;

/** Nearest first: when both are due, the day's reminder is sent and the week's skipped. */
const NEAREST_FIRST = [...REMINDER_DAYS].sort((a, b) => a - b);

interface Content {
	projectName: string;
	member: Member;
	/** The project's other Project Admins. */
	admins: Member[];
}

export class AccessEndScheduler {
	readonly #deps: AccessEndDeps;
	readonly #timer: DueTimer;

	constructor(deps: AccessEndDeps) {
		this.#deps = deps;
		this.#timer = new DueTimer({
			runDue: () => this.runDue(),
			nextDueAt: (time) => this.#nextDueAt(time),
			now: deps.now,
			log: deps.log,
			failure: 'ending memberships failed',
			longestSleepMs: LONGEST_SLEEP_MS,
			// A membership that could not be ended (its project gone, a locked database).
			retryMs: RETRY_MS
		});
	}

	/** Ends what is past due and sends what reminders are due, now, then keeps watch. */
	start(): void {
		this.#timer.startNow();
	}

	stop(): void {
		this.#timer.stop();
	}

	/** An end date was set, changed or cleared: the next thing due may be sooner. */
	endDatesChanged(): void {
		this.#timer.wakeSoon();
	}

	/**
	 * Ends every membership past its end date and sends every reminder due by now; returns how
	 * many memberships it looked at. Synchronous: the index, the reminders and the outbox are SQL.
	 */
	runDue(): number {
		const time = this.#deps.now();
		let handled = this.#eachRow('SELECT * FROM access_ends WHERE ends_at < ?', [time], (row) =>
			this.#end(row, time)
		);
		for (const days of NEAREST_FIRST) {
			handled += this.#eachRow(
				`SELECT * FROM access_ends e WHERE e.ends_at >= ? AND e.ends_at <= ?
				 AND e.ends_at - ? >= e.set_at AND NOT EXISTS (SELECT 1 FROM access_end_reminders r WHERE r.project_id = e.project_id
				   AND r.account_id = e.account_id AND r.ends_at = e.ends_at AND r.days_before = ?)`,
				[time, time + daysInMs(days), daysInMs(days), days],
				(row) => this.#remind(row, days, time)
			);
		}
		return handled;
	}

	/**
	 * Calls `handle` for each row the query selects, in pages in the order of the end dates; a row
	 * that could not be handled (its document fails to load) is passed over, not retried in a loop.
	 */
	#eachRow(query: string, params: readonly number[], handle: (row: AccessEndRow) => void): number {
		const page = this.#deps.db.prepare(
			`SELECT * FROM (${query}) WHERE (ends_at, project_id, account_id) > (?, ?, ?)
			 ORDER BY ends_at, project_id, account_id LIMIT ${BATCH}`
		);
		let after: [number, string, string] = [-1, '', ''];
		let handled = 0;
		for (;;) {
			const rows = page.all(...params, ...after) as AccessEndRow[];
			for (const row of rows) {
				try {
					handle(row);
				} catch (error) {
					this.#deps.log.error(
						{ err: error, accountId: row.account_id, projectId: row.project_id },
						'handling an end date failed'
					);
				}
			}
			handled += rows.length;
			const last = rows.at(-1);
			if (!last || rows.length < BATCH) return handled;
			after = [last.ends_at, last.project_id, last.account_id];
		}
	}

	/** Removes the membership, as the document has it now; the last Project Admin stays. */
	#end(row: AccessEndRow, time: number): void {
		const { db, registry } = this.#deps;
		const name = projectDocument(row.project_id);
		registry.change(name, (roots) => {
			const member = readMember(row.account_id, roots.members.get(row.account_id));
			const endsAt = member ? endsAtOf(member) : null;
			// Changed since the row was read: nothing is due (the listener moved the row).
			if (!member || !hasEnded(endsAt, time)) return;
			const lastAdmin = member.role === 'admin' && registry.get(name)!.index!.adminCount() <= 1;
			if (lastAdmin) roots.members.set(member.accountId, { ...member, endsAt: null });
			else roots.members.delete(member.accountId);
		});
		// The listener has moved the index with the document; a row it no longer backs goes too.
		db.prepare(
			'DELETE FROM access_ends WHERE project_id = ? AND account_id = ? AND ends_at = ?'
		).run(row.project_id, row.account_id, row.ends_at);
	}

	#remind(row: AccessEndRow, days: number, time: number): void {
		const { db, mailer, site } = this.#deps;
		const content = this.#contentOf(row);
		const record = db.prepare(
			`INSERT OR IGNORE INTO access_end_reminders
			 (project_id, account_id, ends_at, days_before, outcome, at) VALUES (?, ?, ?, ?, ?, ?)`
		);
		const key = [row.project_id, row.account_id, row.ends_at] as const;
		db.transaction(() => {
			// Nothing to remind of (the document says otherwise): recorded, so it is not looked at again.
			const sent = record.run(...key, days, content ? 'sent' : 'skipped', time);
			for (const farther of REMINDER_DAYS.filter((other) => other > days))
				record.run(...key, farther, 'skipped', time);
			if (sent.changes === 0 || !content) return;
			const endDate = formatEndDate(row.ends_at);
			const daysLeft = calendarDaysBetween(time, row.ends_at);
			const { projectName, member, admins } = content;
			mailer.enqueue(
				accessEndingMail({
					site,
					to: member.email,
					name: member.name || member.email,
					projectName,
					endDate,
					daysLeft,
					adminNames: admins.map((admin) => admin.name || admin.email),
					path: `/projects/${row.project_id}`
				})
			);
			const described = `${member.name || member.email} (${member.email}), ${ROLE_LABELS[member.role]}`;
			for (const admin of admins) {
				mailer.enqueue(
					memberAccessEndingMail({
						site,
						to: admin.email,
						projectName,
						member: described,
						endDate,
						daysLeft,
						path: `/projects/${row.project_id}/settings/users`
					})
				);
			}
		})();
	}

	/** The member and the project's other admins, when the member's end date is still the row's. */
	#contentOf(row: AccessEndRow): Content | null {
		return this.#deps.registry.read(projectDocument(row.project_id), (document) => {
			const member = readMember(row.account_id, document.root('members').get(row.account_id));
			if (!member || endsAtOf(member) !== row.ends_at) return null;
			const admins = [...document.root('members').entries()]
				.map(([key, value]) => readMember(key, value))
				.filter((admin) => admin?.role === 'admin' && admin.accountId !== member.accountId);
			return {
				projectName: document.index!.project.name,
				member,
				admins: admins as Member[]
			};
		});
	}

	/**
	 * When the next ending or reminder falls due after `time`; null when none will. (One that was
	 * due and could not be handled is tried again at the next wake, not in a tight loop.)
	 */
	#nextDueAt(time: number): number | null {
		const { db } = this.#deps;
		const earliest = db.prepare('SELECT MIN(ends_at) FROM access_ends WHERE ends_at > ?').pluck();
		const after = (at: number) => earliest.get(at) as number | null;
		// A membership ends the millisecond after its end date; a reminder is due at its day.
		const ending = after(time - 1);
		const times = [
			ending === null ? null : ending + 1,
			...REMINDER_DAYS.map((days) => {
				const endsAt = after(time + daysInMs(days));
				return endsAt === null ? null : endsAt - daysInMs(days);
			})
		].filter((at) => at !== null);
		return times.length === 0 ? null : Math.min(...times);
	}
}

/** Whether accepted changes set, changed or cleared an end date (a project's members). */
export function endDatesChangedIn(changes: readonly EntryChange[]): boolean {
	const endOf = (value: unknown) =>
		(value as { endsAt?: number | null } | undefined)?.endsAt ?? null;
	return changes.some(
		(change) => change.root === 'members' && endOf(change.before) !== endOf(change.after)
	);
}

function readMember(key: string, value: unknown): Member | undefined {
	return value === undefined
		? undefined
		: (readStoredEntry('project', 'members', key, value) as Member | undefined);
}

/** Whole days from one moment's UTC day to another's: what "in 7 days" counts. */
function calendarDaysBetween(from: number, to: number): number {
	return Math.floor(to / daysInMs(1)) - Math.floor(from / daysInMs(1));
}
