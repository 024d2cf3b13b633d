/**
 * What the audit log records about one person in one project, for the rooms that explain a
 * membership ("why has access", server/access/): the accepted changes of the project document to
 * their member entry and to their requests, and to the invitations of their address. Each change
 * carries the server's time and the server-checked author of the step that made it, so what is
 * read here is what the server saw, never what a client wrote into an entry.
 */
import { projectDocument } from '../../src/lib/shared';
import type { Db } from '../db/database';

export interface LoggedChange {
	id: number;
	/** The server's clock when the change was accepted; every change of one step has the same. */
	at: number;
	/** Null: the server made it. */
	authorId: string | null;
	root: string;
	key: string;
	change: 'add' | 'update' | 'delete' | null;
	/** The values as logged (parsed JSON); undefined when absent or not kept. */
	before: unknown;
	after: unknown;
}

interface Row {
	id: number;
	at: number;
	author_id: string | null;
	root: string;
	entry_key: string;
	change_kind: LoggedChange['change'];
	before_json: string | null;
	after_json: string | null;
}

const COLUMNS = 'id, at, author_id, root, entry_key, change_kind, before_json, after_json';

export interface MemberHistory {
	/** Accepted changes to the account's member entry and its requests, oldest first. */
	aboutAccount(projectId: string, accountId: string): LoggedChange[];
	/** Accepted changes to the invitations of the address, oldest first. */
	invitationsOf(projectId: string, email: string): LoggedChange[];
	/** The last accepted change to the account's member entry; null if none was logged. */
	lastMemberChange(projectId: string, accountId: string): LoggedChange | null;
}

export function memberHistory(db: Db): MemberHistory {
	const aboutAccount = db.prepare(
		`SELECT ${COLUMNS} FROM audit_log
		 WHERE project_id = ? AND subject_id = ? AND document = ? AND outcome = 'accepted'
		 AND root IN ('members', 'requests') ORDER BY id`
	);
	// `root = 'invites'` is also the condition of the index by address (audit-003), which holds the
	// invitations only.
	const invitationsOf = db.prepare(
		`SELECT ${COLUMNS} FROM audit_log
		 WHERE project_id = ? AND subject_email = ? AND document = ? AND outcome = 'accepted'
		 AND root = 'invites' ORDER BY id`
	);
	const lastMemberChange = db.prepare(
		`SELECT ${COLUMNS} FROM audit_log
		 WHERE project_id = ? AND subject_id = ? AND document = ? AND outcome = 'accepted'
		 AND root = 'members' ORDER BY id DESC LIMIT 1`
	);
	const read = (rows: unknown[]) => (rows as Row[]).map(loggedChange);
	return {
		aboutAccount: (projectId, accountId) =>
			read(aboutAccount.all(projectId, accountId, projectDocument(projectId))),
		invitationsOf: (projectId, email) =>
			read(invitationsOf.all(projectId, email.toLowerCase(), projectDocument(projectId))),
		lastMemberChange(projectId, accountId) {
			const row = lastMemberChange.get(projectId, accountId, projectDocument(projectId));
			return row ? loggedChange(row as Row) : null;
		}
	};
}

function loggedChange(row: Row): LoggedChange {
	return {
		id: row.id,
		at: row.at,
		authorId: row.author_id,
		root: row.root,
		key: row.entry_key,
		change: row.change_kind,
		before: parsed(row.before_json),
		after: parsed(row.after_json)
	};
}

function parsed(json: string | null): unknown {
	if (json === null) return undefined;
	try {
		return JSON.parse(json) as unknown;
	} catch {
		return undefined;
	}
}
