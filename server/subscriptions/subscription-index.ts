/**
 * The SQL index of board subscriptions, with their schedule: one row per entry of every data view
 * document's `subscriptions` map, kept in step by a registry listener and checked when a view
 * document loads, so that the digest scheduler finds what is due without loading any document.
 *
 * A new subscription's schedule starts (its anchor) when the server first sees it, by the server's
 * clock: a client's `createdAt` could say anything. Changing the cadence starts the schedule
 * again; resuming a paused subscription skips the periods it was paused for.
 */
import {
	nextDigestAt,
	type BoardSubscription,
	type Cadence,
	type EntryChange
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { OnAccepted, OnLoad } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';

export interface ScheduleRow {
	project_id: string;
	view_id: string;
	subscription_id: string;
	board_id: string;
	cadence: Cadence;
	recipients: string;
	paused: number;
	created_by: string;
	anchor_at: number;
	next_due_at: number;
	last_sent_at: number | null;
}

export function indexSubscriptionsOnChange(db: Db, now: () => number): OnAccepted {
	const index = subscriptionIndex(db, now);
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'view') return;
		const { projectId, viewId } = document.address;
		for (const change of changes) {
			if (change.root !== 'subscriptions') continue;
			const subscription = change.after as BoardSubscription | undefined;
			if (subscription) index.put(projectId, viewId, subscription);
			else index.remove(projectId, viewId, change.key);
		}
	};
}

export function reindexSubscriptionsOnLoad(db: Db, now: () => number): OnLoad {
	const index = subscriptionIndex(db, now);
	const ids = db
		.prepare(
			'SELECT subscription_id FROM subscription_schedule WHERE project_id = ? AND view_id = ?'
		)
		.pluck();
	return (document: LiveDocument) => {
		if (document.address.kind !== 'view') return;
		const { projectId, viewId } = document.address;
		const subscriptions = document.root('subscriptions');
		db.transaction(() => {
			for (const id of ids.all(projectId, viewId) as string[])
				if (!subscriptions.has(id)) index.remove(projectId, viewId, id);
			for (const subscription of subscriptions.values())
				index.put(projectId, viewId, subscription as BoardSubscription);
		})();
	};
}

function subscriptionIndex(db: Db, now: () => number) {
	const select = db.prepare(
		'SELECT * FROM subscription_schedule WHERE project_id = ? AND view_id = ? AND subscription_id = ?'
	);
	const insert = db.prepare(
		`INSERT INTO subscription_schedule (project_id, view_id, subscription_id, board_id, cadence,
		 recipients, paused, created_by, anchor_at, next_due_at, last_sent_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`
	);
	const update = db.prepare(
		`UPDATE subscription_schedule SET board_id = ?, cadence = ?, recipients = ?, paused = ?,
		 anchor_at = ?, next_due_at = ? WHERE project_id = ? AND view_id = ? AND subscription_id = ?`
	);
	const remove = db.prepare(
		'DELETE FROM subscription_schedule WHERE project_id = ? AND view_id = ? AND subscription_id = ?'
	);
	return {
		put(projectId: string, viewId: string, subscription: BoardSubscription): void {
			const row = select.get(projectId, viewId, subscription.id) as ScheduleRow | undefined;
			const recipients = JSON.stringify(subscription.recipients);
			const paused = subscription.paused ? 1 : 0;
			const time = now();
			if (!row) {
				insert.run(
					projectId,
					viewId,
					subscription.id,
					subscription.boardId,
					subscription.cadence,
					recipients,
					paused,
					subscription.createdBy,
					time,
					nextDigestAt(subscription.cadence, time, time)
				);
				return;
			}
			let { anchor_at: anchor, next_due_at: next } = row;
			if (row.cadence !== subscription.cadence) {
				anchor = time;
				next = nextDigestAt(subscription.cadence, time, time);
			} else if (row.paused && !paused && next <= time) {
				next = nextDigestAt(subscription.cadence, anchor, time);
			}
			if (
				row.board_id === subscription.boardId &&
				row.recipients === recipients &&
				row.paused === paused &&
				row.anchor_at === anchor &&
				row.next_due_at === next
			)
				return;
			update.run(
				subscription.boardId,
				subscription.cadence,
				recipients,
				paused,
				anchor,
				next,
				projectId,
				viewId,
				subscription.id
			);
		},
		remove(projectId: string, viewId: string, subscriptionId: string): void {
			remove.run(projectId, viewId, subscriptionId);
		}
	};
}

/** The subscriptions of the project's data views whose recipients include the address. */
export function subscriptionsNaming(db: Db, projectId: string, email: string): ScheduleRow[] {
	return db
		.prepare(
			`SELECT * FROM subscription_schedule WHERE project_id = ?
			 AND EXISTS (SELECT 1 FROM json_each(recipients) WHERE value = ?)
			 ORDER BY view_id, subscription_id`
		)
		.all(projectId, email.toLowerCase()) as ScheduleRow[];
}
