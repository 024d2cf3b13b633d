/**
 * Inviting from a CSV file (docs/workflows.md, "Bulk invites and invite links"). The preview and
 * the apply are one function over the live project document (`judgeFile`, the shared
 * `planBulkInvite`), so that they cannot disagree: the preview says what each row would do; the
 * apply judges the file again and writes every invitation in one change authored by the admin,
 * or writes nothing. It refuses when any row is refused now, or when the project would now do
 * other than the preview said (someone was invited or got an account meanwhile): the person
 * applies what they saw, or nothing.
 *
 * The change is the server's (nobody's client sent it) but is heard as the admin's: the audit log
 * names them, and the invitation mail sends each invitation as it sends the dialog's. The file
 * counts once against its inviter's allowance for files (`invitesByFilePerInviter`), and its
 * invitations are then not counted one by one against the hourly one (`CountedSendings`).
 */
import { createHash } from 'node:crypto';
import {
	countBulkOutcomes,
	fail,
	newId,
	openInvitationsByEmail,
	planBulkInvite,
	projectDocument,
	succeed,
	whereInFile,
	type BulkInviteApplied,
	type BulkInviteColumn,
	type BulkInviteLine,
	type BulkInvitePreview,
	type CsvProblem,
	type Failure,
	type Outcome,
	type PlannedBulkRow
} from '../../src/lib/shared';
import { accountExistence } from '../auth/accounts';
import type { AuthContext } from '../auth/routes/context';
import { checkProjectAdmin, withProject, type HeldProject } from '../consortium/project-access';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import type { CountedSendings } from './sending';

export interface BulkInviteDeps {
	db: Db;
	registry: DocumentRegistry;
	now: () => number;
	limiters: Pick<AuthContext['limiters'], 'invitesByFilePerInviter'>;
	counted: CountedSendings;
}

/** A file as read: its rows, and where each column is (for the problems of a refusal). */
export interface ReadFile {
	lines: readonly BulkInviteLine[];
	positions: Partial<Record<BulkInviteColumn, number>>;
}

type Place = 'project-not-found' | 'not-project-admin';

export function previewBulkInvite(
	deps: BulkInviteDeps,
	projectId: string,
	actorId: string,
	file: ReadFile
): Outcome<{ preview: BulkInvitePreview }, Place> {
	return withProject(deps.registry, projectId, (project) => {
		const admin = checkProjectAdmin(project.facts, actorId);
		if (!admin.ok) return admin;
		const rows = judgeFile(deps, project, actorId, file);
		return succeed({
			preview: {
				rows: rows.map(({ invite: _, ...row }) => row),
				counts: countBulkOutcomes(rows),
				fingerprint: fingerprintOf(rows)
			}
		});
	});
}

export type ApplyRefusal =
	| Failure<'bulk-invite-refused', { problems: CsvProblem[] }>
	| Failure<'bulk-invite-changed'>
	| Failure<'rate-limited', { retryAfterSeconds: number }>;

export function applyBulkInvite(
	deps: BulkInviteDeps,
	projectId: string,
	actorId: string,
	file: ReadFile,
	fingerprint: string
): Outcome<{ applied: BulkInviteApplied }, Place> | ApplyRefusal {
	return withProject(deps.registry, projectId, (project): ReturnType<typeof applyBulkInvite> => {
		const admin = checkProjectAdmin(project.facts, actorId);
		if (!admin.ok) return admin;
		const rows = judgeFile(deps, project, actorId, file);
		const refused = rows.filter((row) => row.outcome === 'refused');
		if (refused.length > 0) return refusedNow(refused, file.positions);
		if (fingerprintOf(rows) !== fingerprint)
			return fail(
				'bulk-invite-changed',
				'The project changed since this file was previewed (someone was invited, added or given an account meanwhile): nothing was applied. Preview the file again.'
			);
		const invites = rows.flatMap((row) => (row.invite ? [row.invite] : []));
		if (invites.length > 0) {
			const allowance = deps.limiters.invitesByFilePerInviter.consume(actorId, invites.length);
			if (!allowance.ok)
				return fail(
					'rate-limited',
					`You have invited many people from files lately: this file's ${invites.length} would pass the limit, so nothing was applied. Try again later.`,
					{ retryAfterSeconds: allowance.retryAfterSeconds }
				);
			deps.counted.during(
				invites.map((invite) => invite.id),
				() =>
					deps.registry.change(
						projectDocument(projectId),
						(roots) => {
							for (const invite of invites) roots.invites.set(invite.id, invite);
						},
						actorId
					)
			);
		}
		return succeed({
			applied: { counts: countBulkOutcomes(rows), inviteIds: invites.map((invite) => invite.id) }
		});
	});
}

/** Every row's outcome against the project as it is now. */
function judgeFile(
	deps: BulkInviteDeps,
	{ document, facts }: HeldProject,
	actorId: string,
	file: ReadFile
): PlannedBulkRow[] {
	return planBulkInvite(
		{
			facts,
			actorId,
			invitees: deps.registry.invitees(document),
			zones: [...document.root('zones').values()],
			views: [...document.root('views').values()],
			openInvitations: openInvitationsByEmail(document.root('invites').values()),
			hasAccount: accountExistence(deps.db),
			now: deps.now(),
			newId
		},
		file.lines
	);
}

/** What a preview said, row by row: the apply must find the same. */
function fingerprintOf(rows: readonly PlannedBulkRow[]): string {
	const said = rows.map((row) => [
		row.row,
		row.outcome,
		row.email,
		row.role,
		row.zoneId,
		row.endsAt
	]);
	return createHash('sha256').update(JSON.stringify(said)).digest('hex');
}

function refusedNow(
	refused: readonly PlannedBulkRow[],
	positions: ReadFile['positions']
): ApplyRefusal {
	const problems = refused.map((row) => ({
		row: row.row,
		column: row.column ? (positions[row.column] ?? null) : null,
		message: `${whereInFile(row)}: ${row.message}`
	}));
	const message =
		refused.length === 1
			? `${problems[0]!.message} Nothing was applied.`
			: `${refused.length} rows are refused now, so nothing was applied. The first: ${problems[0]!.message}`;
	return fail('bulk-invite-refused', message, { problems });
}
