/**
 * Reading a project's audit log: newest first, filtered by root, author, outcome and time, in
 * pages. The cursor is the id of the last entry of a page; ids only grow, so pages stay stable
 * while new entries arrive at the top.
 */
import {
	AUDIT_PAGE_LIMIT,
	type AuditEntry,
	type AuditPage,
	type AuditQuery,
	type ReasonCode
} from '../../src/lib/shared';
import type { Db } from '../db/database';

interface AuditRow {
	id: number;
	at: number;
	document: string;
	view_id: string | null;
	root: string;
	entry_key: string;
	author_id: string | null;
	author_name: string | null;
	via_portal_id: string | null;
	via_portal_name: string | null;
	outcome: AuditEntry['outcome'];
	reason_code: string | null;
	message: string | null;
	before_json: string | null;
	after_json: string | null;
	redacted: AuditEntry['redacted'];
}

export function readAuditPage(db: Db, projectId: string, query: AuditQuery): AuditPage {
	const limit = query.limit ?? AUDIT_PAGE_LIMIT.default;
	const rows = selectAuditRows(db, projectId, query, limit + 1);
	const entries = rows.slice(0, limit).map(toEntry);
	return {
		entries,
		nextCursor: rows.length > limit ? entries[entries.length - 1]!.id : null
	};
}

/** Up to `limit` entries matching the query, newest first. */
export function readAuditEntries(
	db: Db,
	projectId: string,
	query: AuditQuery,
	limit: number
): AuditEntry[] {
	return selectAuditRows(db, projectId, query, limit).map(toEntry);
}

function selectAuditRows(db: Db, projectId: string, query: AuditQuery, limit: number): AuditRow[] {
	const conditions = ['a.project_id = ?'];
	const values: unknown[] = [projectId];
	const where = (condition: string, value?: unknown) => {
		conditions.push(condition);
		if (value !== undefined) values.push(value);
	};
	if (query.root !== undefined) where('a.root = ?', query.root);
	if (query.author === 'server') where('a.author_id IS NULL');
	else if (query.author !== undefined) where('a.author_id = ?', query.author);
	if (query.outcome !== undefined) where('a.outcome = ?', query.outcome);
	if (query.from !== undefined) where('a.at >= ?', query.from);
	if (query.to !== undefined) where('a.at <= ?', query.to);
	if (query.before !== undefined) where('a.id < ?', Number(query.before));
	return db
		.prepare(
			`SELECT a.*, acc.name AS author_name, portal.name AS via_portal_name FROM audit_log a
			 LEFT JOIN accounts acc ON acc.id = a.author_id
			 LEFT JOIN embed_portals portal ON portal.id = a.via_portal_id
			 WHERE ${conditions.join(' AND ')} ORDER BY a.id DESC LIMIT ?`
		)
		.all(...values, limit) as AuditRow[];
}

function toEntry(row: AuditRow): AuditEntry {
	return {
		id: String(row.id),
		at: row.at,
		document: row.document,
		viewId: row.view_id,
		root: row.root,
		key: row.entry_key,
		author:
			row.author_id === null ? null : { id: row.author_id, name: row.author_name ?? row.author_id },
		via:
			row.via_portal_id === null
				? null
				: { portalId: row.via_portal_id, portalName: row.via_portal_name ?? row.via_portal_id },
		outcome: row.outcome,
		code: row.reason_code as ReasonCode | null,
		message: row.message,
		before: row.before_json === null ? null : JSON.parse(row.before_json),
		after: row.after_json === null ? null : JSON.parse(row.after_json),
		redacted: row.redacted
	};
}
