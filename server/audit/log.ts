/**
 * The audit log (SQL `audit_log`): every change the server accepted and every change it refused,
 * on every document: who (null: the server), through which portal if it came from a portal's
 * embedded widget ("<person> via <portal>"), when, which document, root and key, the entry before
 * and after, the outcome, and for a refusal the policy's reason code and message; for an entry of
 * the project document also whom it is about and their zone (the log's person and zone filters).
 * Accepted changes come from a registry listener, refused ones from the validating step's refusal
 * hook; both write one row per change inside that synchronous step, in one transaction per update.
 *
 * Values are kept where the project's Project Admins may read them anyway: the project document
 * and its data views. Of a private document (a Consumer's "for self only" items) or a user
 * document only the fact of the change is kept, never its values; nor are values larger than
 * `MAX_AUDIT_VALUE_CHARS` (a lookup table), which the document itself keeps.
 */
import {
	changeKind,
	type AuditOutcome,
	type DocumentName,
	type EntryChange
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { OnAccepted, OnRefused } from '../sync/extensions';
import type { LiveDocument, Refusal, Via } from '../sync/live-document';

/** JSON text kept per value at most: under the 32,767 characters a spreadsheet cell holds. */
export const MAX_AUDIT_VALUE_CHARS = 32_000;

interface AuditRecord {
	change: EntryChange;
	authorId: string | null;
	via: Via | null;
	outcome: AuditOutcome;
	refusal: Refusal['decision'] | null;
}

export function recordAcceptedChanges(db: Db, now: () => number): OnAccepted {
	const record = auditWriter(db, now);
	return (document, authorId, changes, via) =>
		record(
			document,
			changes.map((change) => ({ change, authorId, via, outcome: 'accepted', refusal: null }))
		);
}

export function recordRefusedChanges(db: Db, now: () => number): OnRefused {
	const record = auditWriter(db, now);
	return (document, authorId, refusals, via) =>
		record(
			document,
			refusals.map(({ change, decision }) => ({
				change,
				authorId,
				via,
				outcome: 'refused',
				refusal: decision
			}))
		);
}

function auditWriter(db: Db, now: () => number) {
	const insert = db.prepare(
		`INSERT INTO audit_log (at, project_id, document, view_id, root, entry_key, author_id,
		 via_portal_id, outcome, reason_code, message, before_json, after_json, redacted,
		 change_kind, subject_id, subject_email, zone_id)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	return db.transaction((document: LiveDocument, records: AuditRecord[]) => {
		const at = now();
		const { projectId, viewId } = placeOf(document.address);
		const hidden = document.address.kind === 'private' || document.address.kind === 'user';
		for (const { change, authorId, via, outcome, refusal } of records) {
			const values = hidden ? null : keptValues(change);
			const subject = document.address.kind === 'project' ? subjectOf(change) : NO_SUBJECT;
			insert.run(
				at,
				projectId,
				document.name,
				viewId,
				change.root,
				change.key,
				authorId,
				via?.portalId ?? null,
				outcome,
				refusal?.code ?? null,
				refusal?.message ?? null,
				values?.before ?? null,
				values?.after ?? null,
				hidden ? 'private-document' : values ? null : 'too-large',
				changeKind(change),
				subject.accountId,
				subject.email,
				subject.zoneId
			);
		}
	});
}

function placeOf(address: DocumentName): { projectId: string | null; viewId: string | null } {
	switch (address.kind) {
		case 'project':
			return { projectId: address.projectId, viewId: null };
		case 'view':
		case 'private':
			return { projectId: address.projectId, viewId: address.viewId };
		case 'user':
			return { projectId: null, viewId: null };
	}
}

interface Subject {
	accountId: string | null;
	email: string | null;
	zoneId: string | null;
}
const NO_SUBJECT: Subject = { accountId: null, email: null, zoneId: null };

/**
 * Whom an entry of the project document is about, and their zone: the member, the invited
 * address, the requester. Read from whichever value the change has (a refused one may be
 * anything, so every field is checked); the audit log's person and zone filters use them.
 */
function subjectOf(change: EntryChange): Subject {
	const value = change.after ?? change.before;
	if (typeof value !== 'object' || value === null) return NO_SUBJECT;
	const field = (name: string) => {
		const text = (value as Record<string, unknown>)[name];
		return typeof text === 'string' ? text : null;
	};
	switch (change.root) {
		case 'members':
			return {
				accountId: change.key,
				email: field('email')?.toLowerCase() ?? null,
				zoneId: field('zoneId')
			};
		case 'invites':
			return {
				accountId: null,
				email: field('email')?.toLowerCase() ?? null,
				zoneId: field('zoneId')
			};
		case 'requests':
			return {
				accountId: field('requesterId'),
				email: field('requesterEmail')?.toLowerCase() ?? null,
				zoneId: field('requesterZoneId')
			};
		default:
			return NO_SUBJECT;
	}
}

/** The before and after values as JSON text, or null when either is too large to keep. */
function keptValues(change: EntryChange): { before: string | null; after: string | null } | null {
	const before = change.before === undefined ? null : JSON.stringify(change.before);
	const after = change.after === undefined ? null : JSON.stringify(change.after);
	if ((before?.length ?? 0) > MAX_AUDIT_VALUE_CHARS || (after?.length ?? 0) > MAX_AUDIT_VALUE_CHARS)
		return null;
	return { before, after };
}
