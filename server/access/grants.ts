/**
 * The SQL table of access paths (`access_grants`): one row per member entry of every project
 * document, saying how that membership began and who last changed its role and data views
 * (grant-derivation.ts reads it from the audit log). Kept like the membership index: a listener on
 * every accepted change to `members` (it runs after the audit log has recorded the step, in the
 * same transaction), and a check when a project document loads that gives a row to every member
 * without one (a membership from before this table, or from a crash between two writes) and
 * drops the rows of people who are no longer members.
 *
 * A change of a member entry other than their add updates their row from the row and that change
 * (`grantAfter`), so a row is only as right as the one before it: a version that changes how a
 * path is read from the history deletes the rows in a migration, and each project's load check
 * then writes them again from the whole history.
 */
import { readStoredEntry, type EntryChange, type Member } from '../../src/lib/shared';
import { memberHistory } from '../audit/history';
import type { Db } from '../db/database';
import type { OnAccepted, OnLoad } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';
import { grantAfter, grantFromHistory, type GrantRecord } from './grant-derivation';

export function recordAccessGrantsOnChange(db: Db): OnAccepted {
	const record = grantRecorder(db);
	const remove = db.prepare('DELETE FROM access_grants WHERE project_id = ? AND account_id = ?');
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		for (const change of changes) {
			if (change.root !== 'members') continue;
			const member = memberOf(change.key, change.after);
			if (member) record(projectId, member);
			else remove.run(projectId, change.key);
		}
	};
}

export function recordAccessGrantsOnLoad(db: Db): OnLoad {
	const record = grantRecorder(db);
	const recorded = db.prepare('SELECT account_id FROM access_grants WHERE project_id = ?').pluck();
	const remove = db.prepare('DELETE FROM access_grants WHERE project_id = ? AND account_id = ?');
	return (document: LiveDocument) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		const members = new Map(
			[...document.root('members').entries()].flatMap(([key, value]) => {
				const member = memberOf(key, value);
				return member ? [[key, member] as const] : [];
			})
		);
		const known = new Set(recorded.all(projectId) as string[]);
		const missing = [...members.values()].filter((member) => !known.has(member.accountId));
		const gone = [...known].filter((accountId) => !members.has(accountId));
		if (missing.length === 0 && gone.length === 0) return;
		db.transaction(() => {
			for (const member of missing) record(projectId, member);
			for (const accountId of gone) remove.run(projectId, accountId);
		})();
	};
}

/**
 * Writes the member's row from their history in the audit log: from their whole history, or, when
 * the change just logged is not their add and they have a row, from that row and the change.
 */
function grantRecorder(db: Db): (projectId: string, member: Member) => void {
	const history = memberHistory(db);
	const select = db.prepare(
		`SELECT path, granted_by AS grantedBy, asked_at AS askedAt, granted_at AS grantedAt,
		 role_set_by AS roleSetBy, role_set_at AS roleSetAt, views_set_by AS viewsSetBy,
		 views_set_at AS viewsSetAt
		 FROM access_grants WHERE project_id = ? AND account_id = ?`
	);
	const upsert = db.prepare(
		`INSERT INTO access_grants (project_id, account_id, path, granted_by, asked_at, granted_at,
		 role_set_by, role_set_at, views_set_by, views_set_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (project_id, account_id) DO UPDATE SET path = excluded.path,
		 granted_by = excluded.granted_by, asked_at = excluded.asked_at,
		 granted_at = excluded.granted_at, role_set_by = excluded.role_set_by,
		 role_set_at = excluded.role_set_at, views_set_by = excluded.views_set_by,
		 views_set_at = excluded.views_set_at`
	);
	return (projectId, member) => {
		const last = history.lastMemberChange(projectId, member.accountId);
		const recorded =
			last?.change === 'update'
				? (select.get(projectId, member.accountId) as GrantRecord | undefined)
				: undefined;
		const grant =
			last && recorded
				? grantAfter(recorded, last)
				: grantFromHistory(member, history.aboutAccount(projectId, member.accountId), (email) =>
						history.invitationsOf(projectId, email)
					);
		upsert.run(
			projectId,
			member.accountId,
			grant.path,
			grant.grantedBy,
			grant.askedAt,
			grant.grantedAt,
			grant.roleSetBy,
			grant.roleSetAt,
			grant.viewsSetBy,
			grant.viewsSetAt
		);
	};
}

function memberOf(key: string, entry: unknown): Member | undefined {
	return entry === undefined
		? undefined
		: (readStoredEntry('project', 'members', key, entry) as Member | undefined);
}
