/**
 * The SQL index of end dates: one row per member entry that has one, in every project document,
 * kept in step by a registry listener (every accepted change to `members`, the server's too) and
 * checked when a project document loads, like the membership index. Entries are read through the
 * schema, as the policy reads them. A membership that is gone takes its reminders with it.
 */
import { endsAtOf, readStoredEntry, type EntryChange, type Member } from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { OnAccepted, OnLoad } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';

export interface AccessEndRow {
	project_id: string;
	account_id: string;
	ends_at: number;
	set_at: number;
}

export function indexAccessEndsOnChange(db: Db, now: () => number): OnAccepted {
	const index = accessEndIndex(db, now);
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		for (const change of changes) {
			if (change.root !== 'members') continue;
			if (change.after === undefined) index.forget(projectId, change.key);
			else index.put(projectId, change.key, endOf(change.key, change.after));
		}
	};
}

export function reindexAccessEndsOnLoad(db: Db, now: () => number): OnLoad {
	const index = accessEndIndex(db, now);
	const indexed = db.prepare('SELECT * FROM access_ends WHERE project_id = ?');
	const remindedIds = db
		.prepare('SELECT DISTINCT account_id FROM access_end_reminders WHERE project_id = ?')
		.pluck();
	return (document: LiveDocument) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		const members = document.root('members');
		const ends = new Map<string, number>();
		for (const [key, value] of members.entries()) {
			const endsAt = endOf(key, value);
			if (endsAt !== null) ends.set(key, endsAt);
		}
		const rows = indexed.all(projectId) as AccessEndRow[];
		const inStep =
			rows.length === ends.size && rows.every((row) => ends.get(row.account_id) === row.ends_at);
		const reminded = remindedIds.all(projectId) as string[];
		if (inStep && reminded.every((accountId) => members.has(accountId))) return;
		db.transaction(() => {
			for (const row of rows)
				if (!ends.has(row.account_id)) index.put(projectId, row.account_id, null);
			for (const accountId of reminded)
				if (!members.has(accountId)) index.forget(projectId, accountId);
			for (const [accountId, endsAt] of ends) index.put(projectId, accountId, endsAt);
		})();
	};
}

function endOf(key: string, entry: unknown): number | null {
	const member = readStoredEntry('project', 'members', key, entry) as Member | undefined;
	return member ? endsAtOf(member) : null;
}

function accessEndIndex(db: Db, now: () => number) {
	const upsert = db.prepare(
		`INSERT INTO access_ends (project_id, account_id, ends_at, set_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (project_id, account_id)
		 DO UPDATE SET ends_at = excluded.ends_at, set_at = excluded.set_at
		 WHERE ends_at != excluded.ends_at`
	);
	const remove = db.prepare('DELETE FROM access_ends WHERE project_id = ? AND account_id = ?');
	const removeReminders = db.prepare(
		'DELETE FROM access_end_reminders WHERE project_id = ? AND account_id = ?'
	);
	return {
		/** The member's end date, or none. */
		put(projectId: string, accountId: string, endsAt: number | null): void {
			if (endsAt === null) remove.run(projectId, accountId);
			else upsert.run(projectId, accountId, endsAt, now());
		},
		/** The member is gone: their end date and the reminders of it. */
		forget(projectId: string, accountId: string): void {
			remove.run(projectId, accountId);
			removeReminders.run(projectId, accountId);
		}
	};
}
