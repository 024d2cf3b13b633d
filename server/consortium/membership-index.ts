/**
 * The SQL index of memberships: one row per member entry of every project document, kept in step
 * by a registry listener (every accepted change to `members`, whoever made it) and checked when a
 * project document loads (a change made while the listener was not attached, such as by an older
 * version or a crash between the two writes, is caught up then). Each membership also records the
 * member's home zone in `zone_people`.
 *
 * Entries are read through the schema, as the policy reads them, never trusted as stored: a role
 * synonym (`messenger`) is indexed as the role it stands for, and an entry the schema cannot read
 * has no row (it grants nothing), instead of a row the table's constraints would refuse.
 */
import { readStoredEntry, type EntryChange, type Member } from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { OnAccepted, OnLoad } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';
import { addZonePerson } from './zone-people';

interface MembershipRow {
	account_id: string;
	role: string;
	zone_id: string;
	scope: string;
}

export function indexMembershipsOnChange(db: Db, now: () => number): OnAccepted {
	const upsert = db.prepare(
		`INSERT INTO memberships (project_id, account_id, role, zone_id, scope) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (project_id, account_id)
		 DO UPDATE SET role = excluded.role, zone_id = excluded.zone_id, scope = excluded.scope`
	);
	const remove = db.prepare('DELETE FROM memberships WHERE project_id = ? AND account_id = ?');
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		for (const change of changes) {
			if (change.root !== 'members') continue;
			const member = memberOf(change.key, change.after);
			if (!member) {
				remove.run(projectId, change.key);
				continue;
			}
			const row = rowOf(member);
			upsert.run(projectId, row.account_id, row.role, row.zone_id, row.scope);
			// A member's zone never changes (the policy keeps it); a new member may bring a new one.
			if (memberOf(change.key, change.before)?.zoneId !== member.zoneId)
				addZonePerson(db, member.zoneId, member.accountId, 'membership', now());
		}
	};
}

export function reindexMembershipsOnLoad(db: Db, now: () => number): OnLoad {
	const select = db.prepare(
		'SELECT account_id, role, zone_id, scope FROM memberships WHERE project_id = ? ORDER BY account_id'
	);
	const clear = db.prepare('DELETE FROM memberships WHERE project_id = ?');
	const insert = db.prepare(
		'INSERT INTO memberships (project_id, account_id, role, zone_id, scope) VALUES (?, ?, ?, ?, ?)'
	);
	return (document: LiveDocument) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		const members = [...document.root('members').entries()]
			.map(([key, value]) => memberOf(key, value))
			.filter((member) => member !== undefined);
		const rows = members
			.map(rowOf)
			.sort((a, b) => (a.account_id < b.account_id ? -1 : a.account_id > b.account_id ? 1 : 0));
		if (JSON.stringify(select.all(projectId)) === JSON.stringify(rows)) return;
		db.transaction(() => {
			clear.run(projectId);
			for (const row of rows)
				insert.run(projectId, row.account_id, row.role, row.zone_id, row.scope);
			for (const member of members)
				addZonePerson(db, member.zoneId, member.accountId, 'membership', now());
		})();
	};
}

/** The projects the account is a member of, by the index (in step with the documents: one commit). */
export function projectsOfAccount(db: Db, accountId: string): string[] {
	return db
		.prepare('SELECT project_id FROM memberships WHERE account_id = ? ORDER BY project_id')
		.pluck()
		.all(accountId) as string[];
}

function memberOf(key: string, entry: unknown): Member | undefined {
	return entry === undefined
		? undefined
		: (readStoredEntry('project', 'members', key, entry) as Member | undefined);
}

function rowOf(member: Member): MembershipRow {
	return {
		account_id: member.accountId,
		role: member.role,
		zone_id: member.zoneId,
		scope: JSON.stringify(member.scope)
	};
}
