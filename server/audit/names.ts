/**
 * The names of what a page of the audit log mentions, resolved on the server so that the console
 * never shows an id where a name exists: people by account and by address (accounts, then the
 * project's members), zones and data views (the project document), boards and lookup tables (their
 * last name the log recorded, then the live data view). The log outlives what it mentions: what is
 * known nowhere any more is left out, and the sentence says "a deleted account", "a deleted board".
 */
import {
	accountsNamedIn,
	GOVERNANCE_ROOT,
	readGovernanceEvent,
	viewDocument,
	type AuditFacts,
	type AuditNames,
	type DataView,
	type Zone
} from '../../src/lib/shared';
import type { HeldProject } from '../consortium/project-access';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';

export interface AuditProject extends HeldProject {
	projectId: string;
}

/** Ids in one `IN (...)` at most, well under SQLite's limit on parameters. */
const CHUNK = 500;

export function resolveAuditNames(
	db: Db,
	registry: DocumentRegistry,
	project: AuditProject,
	entries: readonly AuditFacts[]
): AuditNames {
	const wanted = mentionedIn(entries);
	const names: AuditNames = {
		people: {},
		addresses: {},
		zones: {},
		views: {},
		boards: {},
		lookupTables: {}
	};
	for (const zone of project.document.root('zones').values() as Iterable<Zone>)
		names.zones[zone.id] = zone.name;
	for (const view of project.document.root('views').values() as Iterable<DataView>)
		names.views[view.id] = view.name;
	for (const [id, name] of selectIn(db, 'SELECT id, name FROM accounts WHERE id IN', wanted.people))
		names.people[id] = name;
	for (const id of wanted.people) {
		const member = project.facts.member(id);
		if (!(id in names.people) && member?.name) names.people[id] = member.name;
	}
	for (const [email, name] of selectIn(
		db,
		'SELECT email, name FROM accounts WHERE email IN',
		wanted.addresses
	))
		names.addresses[email] = name;
	for (const email of wanted.addresses) {
		const member = project.facts.memberByEmail(email);
		if (!(email in names.addresses) && member?.name) names.addresses[email] = member.name;
	}
	names.boards = objectNames(db, registry, project.projectId, 'boards', wanted.boards);
	names.lookupTables = objectNames(
		db,
		registry,
		project.projectId,
		'lookupTables',
		wanted.lookupTables
	);
	return names;
}

interface Wanted {
	people: Set<string>;
	addresses: Set<string>;
	/** Board id → a data view it may be in. */
	boards: Map<string, string | null>;
	lookupTables: Map<string, string | null>;
}

/** The ids the entries' sentences will name. */
function mentionedIn(entries: readonly AuditFacts[]): Wanted {
	const wanted: Wanted = {
		people: new Set(),
		addresses: new Set(),
		boards: new Map(),
		lookupTables: new Map()
	};
	const text = (value: unknown) => (typeof value === 'string' ? value : null);
	const add = (set: Set<string>, value: unknown) => {
		const id = text(value);
		if (id) set.add(id);
	};
	for (const entry of entries) {
		if (entry.author) wanted.people.add(entry.author.id);
		if (entry.root === 'members') wanted.people.add(entry.key);
		if (entry.root === GOVERNANCE_ROOT) {
			const event = readGovernanceEvent(entry.after);
			if (event) accountsNamedIn(event).forEach((id) => wanted.people.add(id));
		}
		if (entry.root === 'lookupTables') wanted.lookupTables.set(entry.key, entry.viewId);
		for (const value of [entry.before, entry.after]) {
			if (typeof value !== 'object' || value === null) continue;
			const fields = value as Record<string, unknown>;
			for (const field of ['invitedBy', 'requesterId', 'decidedBy', 'createdBy'])
				add(wanted.people, fields[field]);
			if (entry.root === 'invites') add(wanted.addresses, fields.email);
			if (entry.root === 'subscriptions' && Array.isArray(fields.recipients))
				fields.recipients.forEach((email) => add(wanted.addresses, email));
			const boardIds = [fields.boardId, ...(Array.isArray(fields.boardIds) ? fields.boardIds : [])];
			const viewId = text(fields.viewId) ?? entry.viewId;
			if (entry.root === 'subscriptions' || entry.root === 'requests')
				for (const id of boardIds) if (text(id)) wanted.boards.set(id as string, viewId);
			if (entry.root === 'lexicon' && text(fields.lookupTableId))
				wanted.lookupTables.set(fields.lookupTableId as string, entry.viewId);
		}
	}
	return wanted;
}

function selectIn(db: Db, sql: string, values: Set<string>): Array<[string, string]> {
	const all = [...values];
	const rows: Array<[string, string]> = [];
	for (let start = 0; start < all.length; start += CHUNK) {
		const chunk = all.slice(start, start + CHUNK);
		const found = db
			.prepare(`${sql} (${chunk.map(() => '?').join(', ')})`)
			.raw()
			.all(...chunk) as Array<[string, string]>;
		rows.push(...found);
	}
	return rows;
}

/**
 * Names of boards or lookup tables: the last name an accepted change recorded (a deleted one's
 * too), else the live data view's entry (one logged before the audit log kept values, or too large
 * to keep).
 */
function objectNames(
	db: Db,
	registry: DocumentRegistry,
	projectId: string,
	root: 'boards' | 'lookupTables',
	ids: Map<string, string | null>
): Record<string, string> {
	const names: Record<string, string> = {};
	if (ids.size === 0) return names;
	const lastName = db
		.prepare(
			`SELECT CASE WHEN after_json IS NULL THEN before_json ->> '$.name'
			 ELSE after_json ->> '$.name' END
			 FROM audit_log WHERE project_id = ? AND root = ? AND entry_key = ?
			 AND outcome = 'accepted' AND redacted IS NULL ORDER BY id DESC LIMIT 1`
		)
		.pluck();
	const missing = new Map<string, string[]>();
	for (const [id, viewId] of ids) {
		const name = lastName.get(projectId, root, id);
		if (typeof name === 'string' && name) names[id] = name;
		else if (viewId) missing.set(viewId, [...(missing.get(viewId) ?? []), id]);
	}
	for (const [viewId, missed] of missing) {
		registry.read(viewDocument(projectId, viewId), (document) => {
			for (const id of missed) {
				const name = (document.root(root).get(id) as { name?: unknown } | undefined)?.name;
				if (typeof name === 'string' && name) names[id] = name;
			}
		});
	}
	return names;
}
