/**
 * Delivers board subscriptions: a timer wakes when the earliest digest falls due (or after
 * `checkIntervalMs` at the latest), and each due subscription gets one digest per period.
 *
 * Exactly once across restarts: the schedule is in SQL (subscription_schedule). Queuing a digest's
 * mail (the outbox is SQL too) and moving its `next_due_at` forward happen in one transaction,
 * guarded by the `next_due_at` that was read: a restart either finds the digest queued and the
 * schedule moved, or neither, so nothing is sent twice and nothing due is skipped. Periods missed
 * while the server was down are caught up with one digest, not one per period: a digest shows the
 * board as it is now, so the copies would be the same.
 */
import { DueTimer } from '../schedule/due-timer';
import {
	CADENCE_LABELS,
	nextDigestAt,
	projectDocument,
	viewDocument,
	type Board,
	type DataView
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import type { Log } from '../observability/log';
import { boardDigestMail, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import { recipientsWithAccess } from './digest-recipients';
import type { ScheduleRow } from './subscription-index';

export interface DigestDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
	/** The longest sleep between two looks at the schedule. */
	checkIntervalMs: number;
	log: Log;
}

/** Subscriptions handled per turn before the timer yields to other work. */
const BATCH = 100;

interface DigestContent {
	projectName: string;
	view: DataView;
	board: Board;
}

export class DigestScheduler {
	readonly #deps: DigestDeps;
	readonly #timer: DueTimer;

	constructor(deps: DigestDeps) {
		this.#deps = deps;
		const nextDue = deps.db
			.prepare('SELECT MIN(next_due_at) FROM subscription_schedule WHERE paused = 0')
			.pluck();
		this.#timer = new DueTimer({
			runDue: () => this.runDue(),
			nextDueAt: () => nextDue.get() as number | null,
			now: deps.now,
			log: deps.log,
			failure: 'delivering due digests failed',
			longestSleepMs: deps.checkIntervalMs,
			retryMs: deps.checkIntervalMs
		});
	}

	start(): void {
		this.#timer.start();
	}

	stop(): void {
		this.#timer.stop();
	}

	/**
	 * Sends every digest due by now; returns how many subscriptions fell due. Synchronous: the
	 * schedule and the outbox are SQL, and each digest is one transaction.
	 */
	runDue(): number {
		const { db, now } = this.#deps;
		const due = db.prepare(
			`SELECT * FROM subscription_schedule WHERE paused = 0 AND next_due_at <= ?
			 ORDER BY next_due_at LIMIT ${BATCH}`
		);
		let handled = 0;
		for (;;) {
			const rows = due.all(now()) as ScheduleRow[];
			for (const row of rows) this.#deliver(row);
			handled += rows.length;
			if (rows.length < BATCH) return handled;
		}
	}

	#deliver(row: ScheduleRow): void {
		const { db, mailer, site, now } = this.#deps;
		const time = now();
		const content = this.#contentOf(row);
		const place = { projectId: row.project_id, viewId: row.view_id };
		const recipients = content
			? recipientsWithAccess(db, place, JSON.parse(row.recipients) as string[])
			: [];
		db.transaction(() => {
			const moved = db
				.prepare(
					`UPDATE subscription_schedule SET next_due_at = ?, last_sent_at = ?
					 WHERE project_id = ? AND view_id = ? AND subscription_id = ? AND next_due_at = ?`
				)
				.run(
					nextDigestAt(row.cadence, row.anchor_at, time),
					recipients.length > 0 ? time : row.last_sent_at,
					row.project_id,
					row.view_id,
					row.subscription_id,
					row.next_due_at
				);
			if (moved.changes === 0 || !content) return;
			for (const to of recipients) {
				mailer.enqueue(
					boardDigestMail({
						site,
						to,
						projectName: content.projectName,
						viewName: content.view.name,
						boardName: content.board.name,
						cadenceLabel: CADENCE_LABELS[row.cadence],
						reportTitles: content.board.reports.map((report) => report.title),
						path: `/projects/${row.project_id}/views/${row.view_id}/boards/${row.board_id}`
					})
				);
			}
		})();
	}

	/** The board as its data view holds it now; null when it (or the view) is gone. */
	#contentOf(row: ScheduleRow): DigestContent | null {
		const { registry } = this.#deps;
		return registry.read(viewDocument(row.project_id, row.view_id), (document) => {
			const board = document.root('boards').get(row.board_id);
			const project = registry.get(projectDocument(row.project_id))?.index;
			const view = project?.view(row.view_id);
			return board && project && view ? { projectName: project.project.name, view, board } : null;
		});
	}
}
