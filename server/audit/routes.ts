/**
 * The audit log API (docs/api.md): a project's log for its Project Admins, as JSON pages or as one
 * CSV file for spreadsheets, each entry with its sentence and its raw columns; and a consortium's
 * own log (its governance actions across projects) for the consortium office.
 */
import { succeed, type AuditEntry } from '../../src/lib/shared';
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import type { Db } from '../db/database';
import type { Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import { readAuditEntries, readAuditPage, type AuditSource } from './query';
import { csvDownload, fileNamePart, isoTime } from '../http/csv-download';
import { checkProjectAdmin, withProject } from '../consortium/project-access';
import { checkConsortiumOffice } from '../consortium/office';
import { readConsortiumLog } from './consortium-log';
import { orThrow } from '../http/failure-status';
import { API } from '../../src/lib/shared/api-contract';

/** Rows of one CSV file at most; the `X-Next-Cursor` header then names where older ones start. */
export const AUDIT_CSV_MAX_ROWS = 10_000;

const CSV_HEADER = [
	'Time (UTC)',
	'Document',
	'Data view',
	'Root',
	'Key',
	'Author',
	'Author id',
	'Outcome',
	'Reason code',
	'Message',
	'Before',
	'After',
	// Added later, so last: the columns before them stay where spreadsheets built on them expect.
	'Via portal',
	'What happened'
];

export function registerAuditRoutes(
	router: Router,
	auth: AuthContext,
	deps: { db: Db; registry: DocumentRegistry }
): void {
	/** Runs `read` for a Project Admin of the project, with its document held. */
	const asProjectAdmin = <T>(
		projectId: string,
		accountId: string,
		read: (source: AuditSource) => T
	): T =>
		orThrow(
			withProject(deps.registry, projectId, (held) => {
				const admin = checkProjectAdmin(held.facts, accountId);
				return admin.ok
					? succeed({ value: read({ ...deps, project: { ...held, projectId } }) })
					: admin;
			})
		).value;

	router.add(API.getAuditPage, (request) => {
		const { account } = requireSignedIn(auth, request);
		const query = request.query();
		return {
			body: asProjectAdmin(request.params.id, account.id, (source) => readAuditPage(source, query))
		};
	});

	router.add(API.getConsortiumLog, (request) => {
		const { account } = requireSignedIn(auth, request);
		const query = request.query();
		const { consortium } = orThrow(
			checkConsortiumOffice(deps.db, request.params.id, account.id, "read the consortium's log")
		);
		return { body: readConsortiumLog(deps.db, consortium, query) };
	});

	router.add(API.downloadAuditCsv, (request) => {
		const { account } = requireSignedIn(auth, request);
		const query = request.query();
		const limit = Math.min(query.limit ?? AUDIT_CSV_MAX_ROWS, AUDIT_CSV_MAX_ROWS);
		const { projectName, entries } = asProjectAdmin(request.params.id, account.id, (source) => ({
			projectName: source.project.facts.project.name,
			entries: readAuditEntries(source, query, limit + 1)
		}));
		const more = entries.length > limit;
		const kept = entries.slice(0, limit);
		return csvDownload(
			`audit-${fileNamePart(projectName)}.csv`,
			[CSV_HEADER, ...kept.map(auditCsvRow)],
			more ? { 'X-Next-Cursor': kept[kept.length - 1]!.id } : {}
		);
	});
}

function auditCsvRow(entry: AuditEntry): string[] {
	const value = (json: unknown) =>
		entry.redacted === 'private-document'
			? '(private document: not recorded)'
			: entry.redacted === 'too-large'
				? '(too large to record)'
				: json === null
					? ''
					: JSON.stringify(json);
	return [
		isoTime(entry.at),
		entry.document,
		entry.viewId ?? '',
		entry.root,
		entry.key,
		entry.author?.name ?? 'the server',
		entry.author?.id ?? '',
		entry.outcome,
		entry.code ?? '',
		entry.message ?? '',
		value(entry.before),
		value(entry.after),
		entry.via?.portalName ?? '',
		entry.sentence
	];
}
