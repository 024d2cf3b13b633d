/**
 * A consortium's own log: the governance actions filed under the consortium rather than one of
 * its projects (a library's offboarding), read by the consortium office, newest first, in pages,
 * each in its sentence. Names come from SQL: people from their accounts, zones from the
 * consortium's (a zone that left stays, so its name does).
 */
import {
	AUDIT_PAGE_LIMIT,
	consortiumEventDocument,
	describeAuditEntry,
	NO_AUDIT_NAMES,
	type AuditEntry,
	type AuditFacts,
	type AuditPage,
	type AuditQuery,
	type Consortium
} from '../../src/lib/shared';
import type { Db } from '../db/database';

interface ConsortiumRow {
	id: number;
	at: number;
	root: string;
	entry_key: string;
	author_id: string | null;
	author_name: string | null;
	outcome: AuditEntry['outcome'];
	after_json: string | null;
	change_kind: AuditEntry['change'];
}

/**
 * The rows of consortium logs: governance events under no project. Said in these words, which are
 * the words of the index that holds only them (audit-003), so that SQLite can use it.
 */
const CONSORTIUM_ROWS = `a.project_id IS NULL AND a.root = 'governance'`;

export function readConsortiumLog(
	db: Db,
	consortium: Consortium,
	query: Pick<AuditQuery, 'before' | 'limit'>
): AuditPage {
	const limit = query.limit ?? AUDIT_PAGE_LIMIT.default;
	const rows = db
		.prepare(
			`SELECT a.id, a.at, a.root, a.entry_key, a.author_id, acc.name AS author_name, a.outcome,
			 a.after_json, a.change_kind
			 FROM audit_log a LEFT JOIN accounts acc ON acc.id = a.author_id
			 WHERE ${CONSORTIUM_ROWS} AND a.document = ? AND a.id < ?
			 ORDER BY a.id DESC LIMIT ?`
		)
		.all(
			consortiumEventDocument(consortium.id),
			query.before === undefined ? Number.MAX_SAFE_INTEGER : Number(query.before),
			limit + 1
		) as ConsortiumRow[];
	const entries = rows.slice(0, limit).map((row) => toEntry(consortium, row));
	return {
		entries,
		nextCursor: rows.length > limit ? entries[entries.length - 1]!.id : null
	};
}

/** The consortium's entry with this key (a governance event's id), in its sentence. */
export function readConsortiumEntry(
	db: Db,
	consortium: Consortium,
	entryKey: string
): AuditEntry | null {
	const row = db
		.prepare(
			`SELECT a.id, a.at, a.root, a.entry_key, a.author_id, acc.name AS author_name, a.outcome,
			 a.after_json, a.change_kind
			 FROM audit_log a LEFT JOIN accounts acc ON acc.id = a.author_id
			 WHERE ${CONSORTIUM_ROWS} AND a.document = ? AND a.entry_key = ?`
		)
		.get(consortiumEventDocument(consortium.id), entryKey) as ConsortiumRow | undefined;
	return row ? toEntry(consortium, row) : null;
}

function toEntry(consortium: Consortium, row: ConsortiumRow): AuditEntry {
	const facts: AuditFacts = {
		at: row.at,
		document: consortiumEventDocument(consortium.id),
		viewId: null,
		root: row.root,
		key: row.entry_key,
		author:
			row.author_id === null
				? null
				: { id: row.author_id, name: row.author_name ?? 'a deleted account' },
		via: null,
		outcome: row.outcome,
		code: null,
		change: row.change_kind,
		before: null,
		after: row.after_json === null ? null : JSON.parse(row.after_json),
		redacted: null
	};
	const names = {
		...NO_AUDIT_NAMES,
		zones: Object.fromEntries(consortium.zones.map((zone) => [zone.id, zone.name]))
	};
	return {
		id: String(row.id),
		message: null,
		...facts,
		sentence: describeAuditEntry(facts, names)
	};
}
