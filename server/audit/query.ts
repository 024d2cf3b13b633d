/**
 * Reading a project's audit log: newest first, filtered by person, zone, kind (root), author,
 * outcome and time, in pages, each entry with its sentence (`describeAuditEntry`, over the names
 * `resolveAuditNames` finds). The cursor is the id of the last entry of a page; ids only grow, so
 * pages stay stable while new entries arrive at the top.
 */
import {
	AUDIT_PAGE_LIMIT,
	describeAuditEntry,
	type AuditEntry,
	type AuditFacts,
	type AuditPage,
	type AuditQuery,
	type DataView,
	type ReasonCode
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import { resolveAuditNames, type AuditProject } from './names';

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
	change_kind: AuditEntry['change'];
}

export interface AuditSource {
	db: Db;
	registry: DocumentRegistry;
	/** The project, held for the length of the read: its views, zones and members name things. */
	project: AuditProject;
}

export function readAuditPage(source: AuditSource, query: AuditQuery): AuditPage {
	const limit = query.limit ?? AUDIT_PAGE_LIMIT.default;
	const rows = selectAuditRows(source, query, limit + 1);
	const entries = withSentences(source, rows.slice(0, limit));
	return {
		entries,
		nextCursor: rows.length > limit ? entries[entries.length - 1]!.id : null
	};
}

/** Up to `limit` entries matching the query, newest first. */
export function readAuditEntries(
	source: AuditSource,
	query: AuditQuery,
	limit: number
): AuditEntry[] {
	return withSentences(source, selectAuditRows(source, query, limit));
}

function selectAuditRows(source: AuditSource, query: AuditQuery, limit: number): AuditRow[] {
	const { db, project } = source;
	const conditions = ['a.project_id = ?'];
	const values: unknown[] = [project.projectId];
	const where = (condition: string, ...bound: unknown[]) => {
		conditions.push(condition);
		values.push(...bound);
	};
	if (query.root !== undefined) where('a.root = ?', query.root);
	if (query.author === 'server') where('a.author_id IS NULL');
	else if (query.author !== undefined) where('a.author_id = ?', query.author);
	if (query.person !== undefined) {
		const email = emailOf(source, query.person);
		where(
			'(a.author_id = ? OR a.subject_id = ? OR a.subject_email = ?)',
			query.person,
			query.person,
			email
		);
	}
	if (query.zone !== undefined) {
		where(
			'(a.zone_id = ? OR a.view_id IN (SELECT value FROM json_each(?)))',
			query.zone,
			JSON.stringify(viewsShowing(project, query.zone))
		);
	}
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

/** The person's address, by which their invitations are found: the account's, else the member's. */
function emailOf(source: AuditSource, accountId: string): string | null {
	const email = source.db.prepare('SELECT email FROM accounts WHERE id = ?').pluck().get(accountId);
	if (typeof email === 'string') return email.toLowerCase();
	return source.project.facts.member(accountId)?.email ?? null;
}

/** The data views that show a zone's data: its own (and for the Network Zone, the global one). */
function viewsShowing(project: AuditProject, zoneId: string): string[] {
	return [...(project.document.root('views').values() as Iterable<DataView>)]
		.filter((view) => view.zoneId === zoneId)
		.map((view) => view.id);
}

function withSentences(source: AuditSource, rows: readonly AuditRow[]): AuditEntry[] {
	const facts = rows.map((row) => toFacts(source, row));
	const names = resolveAuditNames(source.db, source.registry, source.project, facts);
	return facts.map((entry, index) => {
		const row = rows[index]!;
		return {
			id: String(row.id),
			message: row.message,
			...entry,
			sentence: describeAuditEntry(entry, names)
		};
	});
}

function toFacts(source: AuditSource, row: AuditRow): AuditFacts {
	return {
		at: row.at,
		document: row.document,
		viewId: row.view_id,
		root: row.root,
		key: row.entry_key,
		author:
			row.author_id === null
				? null
				: {
						id: row.author_id,
						name:
							row.author_name ??
							(source.project.facts.member(row.author_id)?.name || 'a deleted account')
					},
		via:
			row.via_portal_id === null
				? null
				: { portalId: row.via_portal_id, portalName: row.via_portal_name ?? 'a removed portal' },
		outcome: row.outcome,
		code: row.reason_code as ReasonCode | null,
		change: row.change_kind,
		before: row.before_json === null ? null : JSON.parse(row.before_json),
		after: row.after_json === null ? null : JSON.parse(row.after_json),
		redacted: row.redacted
	};
}
