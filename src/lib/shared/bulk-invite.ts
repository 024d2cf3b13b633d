/**
 * Inviting people from a CSV file (docs/workflows.md, "Bulk invites and invite links"): one row
 * per person (email, name, role, zone or data view, end date), each judged by the rules Invite Users
 * follows, so that a file can do nothing the dialog could not: the address is read as the dialog
 * reads it, an address already a member or already invited is left out and said so, the zone comes
 * from the address's domain unless the row names one, and the invitation the row would write is
 * judged by the policy as the sync server judges the dialog's (`judgeProjectChange`). The server
 * runs this for the preview and again, against the live document, for the apply; the preview's
 * words are these.
 */
import { z } from 'zod';
import { zoneLabel, type Zone } from './consortium';
import { decodeUtf8, parseCsv, formatCsv, type CsvProblem } from './csv';
import { countOf } from './human-format';
import { endOfDay, formatEndDate } from './access-ends';
import { EmailSchema, IdSchema, TimestampSchema, emailDomain } from './ids';
import { invitedOrMember, type OpenInvite } from './invitation-lifecycle';
import type { Invite } from './membership';
import { fail, succeed, type Outcome } from './outcome';
import { judgeProjectChange } from './policy/changes';
import type { ReasonCode } from './policy/decision';
import type { ProjectFacts } from './policy/facts';
import { queuedInvite, type Invitees } from './policy/membership-rules';
import type { DataView } from './project';
import { parseRole, ROLE_LABELS, ROLES, type Role } from './roles';
import { firstIssue } from './zod-issues';

export const BULK_INVITE_LIMITS = {
	/** People one file invites at most: a term's new staff of a large library fits. */
	rows: 2000,
	/** The file's size in bytes: 2,000 rows of long names and addresses fit with room to spare. */
	bytes: 1024 * 1024
} as const;

/** The columns a file may have, by the names the template gives them. */
export const BULK_INVITE_COLUMNS = ['email', 'name', 'role', 'zone', 'end date'] as const;
export type BulkInviteColumn = (typeof BULK_INVITE_COLUMNS)[number];

/** How each column is named in messages ("Row 7, role: …"). */
export const COLUMN_WORDS: Record<BulkInviteColumn, string> = {
	email: 'email',
	name: 'name',
	role: 'role',
	zone: 'zone or data view',
	'end date': 'end date'
};

/** Header cells read as each column, compared ignoring case, spaces, "_" and "-". */
const COLUMN_NAMES: Readonly<Record<string, BulkInviteColumn>> = {
	email: 'email',
	'e mail': 'email',
	'email address': 'email',
	'e mail address': 'email',
	name: 'name',
	'full name': 'name',
	role: 'role',
	zone: 'zone',
	'data view': 'zone',
	'zone or data view': 'zone',
	'end date': 'end date',
	'ends at': 'end date',
	'ends on': 'end date',
	'access ends': 'end date'
};

const REQUIRED_COLUMNS: readonly BulkInviteColumn[] = ['email', 'role'];

/** One row of the file as read: its cells by column, or what keeps it from being read. */
export interface BulkInviteLine {
	/** As a spreadsheet counts it: the header is row 1. */
	row: number;
	cells: Readonly<Record<BulkInviteColumn, string>>;
	/** A cell CSV cannot read, or more cells than the header names. */
	problem: { column: BulkInviteColumn | null; message: string } | null;
}

export type BulkInviteFile = Outcome<
	{
		lines: BulkInviteLine[];
		/** Where each column is in the file, counted from 1 as a spreadsheet does. */
		positions: Partial<Record<BulkInviteColumn, number>>;
	},
	'invalid-csv',
	{ problems: CsvProblem[] }
>;

/** The file as the server receives it: UTF-8 bytes. */
export function readBulkInviteCsv(bytes: Uint8Array): BulkInviteFile {
	const decoded = decodeUtf8(bytes);
	if (!decoded.ok)
		return refuseFile([
			{
				row: decoded.row,
				column: null,
				message: 'Wrong encoding: the file is not UTF-8 text. Save it as "CSV UTF-8" and try again.'
			}
		]);
	return readBulkInviteText(decoded.text);
}

/**
 * The rows of the text, or what is wrong with the file as a whole (no header, a column nobody
 * knows, too many rows, a quote never closed). A cell that is malformed spoils its own row only.
 */
export function readBulkInviteText(text: string): BulkInviteFile {
	const parsed = parseCsv(text);
	if (!parsed.ok && !parsed.complete) return refuseFile(parsed.problems.slice(0, 1));
	const records = withoutTrailingBlankLines(parsed.records);
	const cellProblems = parsed.ok ? [] : parsed.problems;
	const [header, ...rows] = records;
	if (!header)
		return refuseFile([
			{ row: 1, column: null, message: 'The file is empty: its first row names the columns.' }
		]);
	const columns = readHeader(header, cellProblems);
	if (columns.problems.length > 0) return refuseFile(columns.problems);
	if (rows.length > BULK_INVITE_LIMITS.rows)
		return refuseFile([
			{
				row: BULK_INVITE_LIMITS.rows + 2,
				column: null,
				message: `The file has ${countOf(rows.length, 'row')} of people; a file invites at most ${BULK_INVITE_LIMITS.rows.toLocaleString('en')}. Split it into several files.`
			}
		]);
	const problemsByRow = new Map<number, CsvProblem>();
	for (const problem of cellProblems)
		if (!problemsByRow.has(problem.row)) problemsByRow.set(problem.row, problem);
	const lines = rows.map((cells, index) => {
		const row = index + 2;
		return lineOf(row, cells, columns.order, problemsByRow.get(row));
	});
	const positions: Partial<Record<BulkInviteColumn, number>> = {};
	columns.order.forEach((column, index) => {
		if (column) positions[column] = index + 1;
	});
	return succeed({ lines, positions });
}

function refuseFile(problems: CsvProblem[]): BulkInviteFile {
	const message =
		problems.length === 1
			? `${problems[0]!.message} Nothing was read.`
			: `The file has ${problems.length} problems; nothing was read.`;
	return fail('invalid-csv', message, { problems });
}

/** Editors often leave empty lines at the end of a file; they are not people. */
function withoutTrailingBlankLines(records: string[][]): string[][] {
	let end = records.length;
	while (end > 0 && records[end - 1]!.every((cell) => cell.trim() === '')) end -= 1;
	return records.slice(0, end);
}

function columnKey(name: string): string {
	return name
		.trim()
		.toLowerCase()
		.replace(/[\s_-]+/g, ' ');
}

/** The column of each cell of a row, by its place (null: an empty name at the end); or why not. */
function readHeader(
	header: string[],
	cellProblems: readonly CsvProblem[]
): { order: (BulkInviteColumn | null)[]; problems: CsvProblem[] } {
	const problems: CsvProblem[] = cellProblems.filter((problem) => problem.row === 1);
	const order: (BulkInviteColumn | null)[] = [];
	const seen = new Set<BulkInviteColumn>();
	header.forEach((name, index) => {
		const column = COLUMN_NAMES[columnKey(name)];
		if (column === undefined) {
			if (name.trim() !== '' || index < header.length - 1)
				problems.push({
					row: 1,
					column: index + 1,
					message: `The column "${name.trim()}" is not one a file may have: the columns are ${listOfColumns()}.`
				});
			order.push(null);
			return;
		}
		if (seen.has(column))
			problems.push({
				row: 1,
				column: index + 1,
				message: `The ${COLUMN_WORDS[column]} column is named twice.`
			});
		seen.add(column);
		order.push(column);
	});
	for (const column of REQUIRED_COLUMNS)
		if (!seen.has(column))
			problems.push({
				row: 1,
				column: null,
				message: `The first row names no ${COLUMN_WORDS[column]} column: the columns are ${listOfColumns()}.`
			});
	return { order, problems };
}

function listOfColumns(): string {
	const names = BULK_INVITE_COLUMNS.map((column) => COLUMN_WORDS[column]);
	return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function lineOf(
	row: number,
	record: readonly string[],
	order: readonly (BulkInviteColumn | null)[],
	cellProblem: CsvProblem | undefined
): BulkInviteLine {
	const cells = Object.fromEntries(BULK_INVITE_COLUMNS.map((column) => [column, ''])) as Record<
		BulkInviteColumn,
		string
	>;
	record.forEach((cell, index) => {
		const column = order[index];
		if (column) cells[column] = cell;
	});
	const problem = cellProblem
		? { column: order[(cellProblem.column ?? 0) - 1] ?? null, message: cellProblem.message }
		: record.length > order.length && record.slice(order.length).some((cell) => cell !== '')
			? {
					column: null,
					message: `The row has ${record.length} cells; the first row names ${order.length} columns.`
				}
			: null;
	return { row, cells, problem };
}

// ---- judging each row --------------------------------------------------------------------

export const BULK_INVITE_OUTCOMES = ['invite', 'add', 'member', 'invited', 'refused'] as const;
export type BulkInviteOutcome = (typeof BULK_INVITE_OUTCOMES)[number];

/** What each outcome is called in the preview's table and its counts. */
export const BULK_OUTCOME_LABELS: Record<BulkInviteOutcome, string> = {
	invite: 'Invite',
	add: 'Add at once',
	member: 'Already a member',
	invited: 'Already invited',
	refused: 'Refused'
};

/** Why a row is refused, besides the policy's reason codes. */
export const BULK_ROW_CODES = [
	'malformed-row',
	'invalid-email',
	'duplicate-row',
	'zone-needed',
	'ambiguous-zone',
	'invalid-end-date'
] as const;
export type BulkRowCode = (typeof BULK_ROW_CODES)[number] | ReasonCode;

/** The longest email or name a preview repeats: a cell could hold a whole file. */
const SHOWN_CHARS = 320;

export const BulkInviteRowSchema = z.object({
	row: z.number().int().min(2),
	/** As read: lower-cased when it is an address, else as written. */
	email: z.string().max(SHOWN_CHARS),
	name: z.string().max(SHOWN_CHARS),
	outcome: z.enum(BULK_INVITE_OUTCOMES),
	role: z.enum(ROLES).nullable(),
	zoneId: IdSchema.nullable(),
	/** The last moment of access the invitation offers; null when the row names no end date. */
	endsAt: TimestampSchema.nullable(),
	/** Why the row is refused (a policy reason code, or one of `BULK_ROW_CODES`). */
	code: z.string().nullable(),
	/** The column at fault, when one is. */
	column: z.enum(BULK_INVITE_COLUMNS).nullable(),
	/** The outcome in a sentence; for a refusal, its reason. */
	message: z.string()
});
export type BulkInviteRow = z.infer<typeof BulkInviteRowSchema>;

/** A row as the server plans it: the invitation it would write when it invites or adds. */
export type PlannedBulkRow = BulkInviteRow & { invite: Invite | null };

const CountsSchema = z.object(
	Object.fromEntries(BULK_INVITE_OUTCOMES.map((outcome) => [outcome, z.number().int().min(0)])) as {
		[O in BulkInviteOutcome]: z.ZodNumber;
	}
);
export type BulkInviteCounts = z.infer<typeof CountsSchema>;

export const BulkInvitePreviewSchema = z.object({
	rows: z.array(BulkInviteRowSchema).max(BULK_INVITE_LIMITS.rows),
	counts: CountsSchema,
	/** Names this preview's outcomes; the apply refuses when the project would now do otherwise. */
	fingerprint: z.string()
});
export type BulkInvitePreview = z.infer<typeof BulkInvitePreviewSchema>;

export const BulkInviteApplyQuerySchema = z.object({
	fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'The fingerprint of the preview applied')
});

export const BulkInviteAppliedSchema = z.object({
	counts: CountsSchema,
	/** The invitations written, in the file's order, to follow until each is sent or added. */
	inviteIds: z.array(IdSchema).max(BULK_INVITE_LIMITS.rows)
});
export type BulkInviteApplied = z.infer<typeof BulkInviteAppliedSchema>;

/** What judging a file needs to know besides its rows. */
export interface BulkInviteContext {
	facts: ProjectFacts;
	/** Who invites: the Project Admin sending the file. */
	actorId: string;
	invitees: Invitees;
	/** The project's zones and data views, to read the zone column by. */
	zones: readonly Zone[];
	views: readonly DataView[];
	openInvitations: ReadonlyMap<string, OpenInvite>;
	/** Whether the address has an account: it is then added at once rather than mailed a link. */
	hasAccount(email: string): boolean;
	now: number;
	newId(): string;
}

/** Every row's outcome, in the file's order. */
export function planBulkInvite(
	context: BulkInviteContext,
	lines: readonly BulkInviteLine[]
): PlannedBulkRow[] {
	const firstRowOf = new Map<string, number>();
	const zoneOfCell = zoneReader(context.zones, context.views);
	return lines.map((line) => {
		const planned = planRow(context, zoneOfCell, firstRowOf, line);
		return { ...planned, email: shown(planned.email), name: shown(planned.name) };
	});
}

function shown(text: string): string {
	return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

function planRow(
	context: BulkInviteContext,
	zoneOfCell: (cell: string) => ZoneRead,
	firstRowOf: Map<string, number>,
	line: BulkInviteLine
): PlannedBulkRow {
	const { facts, actorId } = context;
	const name = line.cells.name.trim();
	const written = line.cells.email.trim();
	const refuse = (code: BulkRowCode, column: BulkInviteColumn | null, message: string) =>
		refusedRow(line.row, written, name, code, column, message);
	if (line.problem) return refuse('malformed-row', line.problem.column, line.problem.message);
	const parsed = EmailSchema.safeParse(written);
	if (!parsed.success)
		return refuse(
			'invalid-email',
			'email',
			written === '' ? 'The email is missing.' : `${firstIssue(parsed.error).message}.`
		);
	const email = parsed.data;
	const earlier = firstRowOf.get(email);
	if (earlier !== undefined)
		return refusedRow(
			line.row,
			email,
			name,
			'duplicate-row',
			'email',
			`Row ${earlier} invites ${email} already: keep one row per person.`
		);
	firstRowOf.set(email, line.row);
	const base = { row: line.row, email, name, endsAt: null, code: null, column: null, invite: null };
	const already = invitedOrMember(facts, context.openInvitations, email);
	if (already) {
		const member = facts.memberByEmail(email);
		return {
			...base,
			outcome: already.why,
			role: member?.role ?? context.openInvitations.get(email)?.role ?? null,
			zoneId: member?.zoneId ?? context.openInvitations.get(email)?.zoneId ?? null,
			message: member
				? `Already a member (${ROLE_LABELS[member.role]}): nothing changes here.`
				: 'Already invited: nothing is sent. Resend Invitation in Invited Users sends a new link.'
		};
	}
	const role = readRole(line.cells.role);
	if (!role.ok) return refusedRow(line.row, email, name, role.code, 'role', role.message);
	const zone =
		line.cells.zone.trim() === '' ? zoneOfAddress(context, email) : zoneOfCell(line.cells.zone);
	if (!zone.ok) return refusedRow(line.row, email, name, zone.code, 'zone', zone.message);
	const ends = readEndDate(line.cells['end date']);
	if (!ends.ok) return refusedRow(line.row, email, name, ends.code, 'end date', ends.message);
	const invite = queuedInvite(
		facts,
		{ id: context.newId(), email, role: role.role, zoneId: zone.zoneId, endsAt: ends.endsAt },
		actorId,
		context.now
	);
	const decision = judgeProjectChange(
		facts,
		actorId,
		{ root: 'invites', key: invite.id, before: undefined, after: invite },
		context.invitees
	);
	const placed = { ...base, role: role.role, zoneId: zone.zoneId, endsAt: ends.endsAt };
	if (!decision.ok)
		return {
			...placed,
			outcome: 'refused',
			code: decision.code,
			column: COLUMN_OF_REASON[decision.code] ?? null,
			message: decision.message
		};
	const until = ends.endsAt === null ? '' : ` Access ends after ${formatEndDate(ends.endsAt)}.`;
	return context.hasAccount(email)
		? {
				...placed,
				invite,
				outcome: 'add',
				message: `Has an account: added at once, and told by mail.${until}`
			}
		: {
				...placed,
				invite,
				outcome: 'invite',
				message: `Invited by mail, with an Accept Invite link.${until}`
			};
}

function refusedRow(
	row: number,
	email: string,
	name: string,
	code: BulkRowCode,
	column: BulkInviteColumn | null,
	message: string
): PlannedBulkRow {
	return {
		row,
		email,
		name,
		outcome: 'refused',
		role: null,
		zoneId: null,
		endsAt: null,
		code,
		column,
		message,
		invite: null
	};
}

/** The column a policy's refusal is about, for the message "Row 7, role: …". */
const COLUMN_OF_REASON: Partial<Record<string, BulkInviteColumn>> = {
	'unknown-role': 'role',
	'iz-user-cannot-be-admin': 'role',
	'admin-scope': 'role',
	'already-member': 'email',
	'zone-does-not-match-email': 'zone',
	'unlisted-domain': 'zone',
	'zone-not-in-project': 'zone',
	'unknown-zone': 'zone',
	'unknown-view': 'zone',
	'iz-user-scope': 'zone',
	'end-date-past': 'end date'
};

/** Role ids, their labels and Messenger, however they are capitalised and spaced. */
const ROLE_WORDS: ReadonlyMap<string, Role> = new Map(
	ROLES.flatMap((role) => [
		[role, role],
		[columnKey(ROLE_LABELS[role]), role]
	])
);

type RoleRead = Outcome<{ role: Role }, 'unknown-role'>;

function readRole(cell: string): RoleRead {
	const key = columnKey(cell);
	const role = ROLE_WORDS.get(key) ?? parseRole(key);
	if (role) return succeed({ role });
	const roles = `${ROLES.map((each) => ROLE_LABELS[each]).join(', ')} (or Messenger)`;
	return fail(
		'unknown-role',
		cell.trim() === ''
			? `The role is missing: write ${roles}.`
			: `"${shown(cell.trim())}" is not a project role: write ${roles}.`
	);
}

type EndRead = Outcome<{ endsAt: number | null }, 'invalid-end-date'>;

/**
 * An end date is a day, written as ISO 8601 does ("2027-08-31"), which no spreadsheet's locale can
 * read the other way round; access lasts until that day is over in UTC, as every end date does
 * (`endOfDay`, access-ends.ts). Whether it is still to come is the policy's question
 * (`end-date-past`), asked with the server's clock.
 */
function readEndDate(cell: string): EndRead {
	const written = cell.trim();
	if (written === '') return succeed({ endsAt: null });
	const endsAt = endOfDay(written);
	return endsAt === null
		? fail(
				'invalid-end-date',
				`"${shown(written)}" is not a day written as year-month-day: write the last day of access as 2027-08-31, or leave the cell empty.`
			)
		: succeed({ endsAt });
}

type ZoneRead = Outcome<{ zoneId: string }, 'unknown-zone' | 'ambiguous-zone' | 'zone-needed'>;

/**
 * The zone a cell names: a zone by its id, its name or its label ("Aurora (Institution Zone)"),
 * or a data view by its id or name, which stands for the zone whose data it shows.
 */
function zoneReader(
	zones: readonly Zone[],
	views: readonly DataView[]
): (cell: string) => ZoneRead {
	const byKey = new Map<string, Set<string>>();
	const add = (key: string, zoneId: string) => {
		const set = byKey.get(key) ?? new Set<string>();
		set.add(zoneId);
		byKey.set(key, set);
	};
	for (const zone of zones) {
		add(zone.id.toLowerCase(), zone.id);
		add(columnKey(zone.name), zone.id);
		add(columnKey(zoneLabel(zone)), zone.id);
	}
	for (const view of views) {
		add(view.id.toLowerCase(), view.zoneId);
		add(columnKey(view.name), view.zoneId);
	}
	return (cell) => {
		const written = cell.trim();
		const found = [...(byKey.get(written.toLowerCase()) ?? byKey.get(columnKey(written)) ?? [])];
		if (found.length === 1) return succeed({ zoneId: found[0]! });
		return found.length === 0
			? fail('unknown-zone', `No zone or data view of this project is called "${shown(written)}".`)
			: fail(
					'ambiguous-zone',
					`"${shown(written)}" names more than one zone: write the zone's name as Project Users shows it.`
				);
	};
}

/**
 * An empty zone cell: the zone the address belongs to, as Invite Users finds it. Where no zone
 * claims its domain, or several do, the dialog asks the inviter; a file says it in the zone column.
 */
function zoneOfAddress(context: BulkInviteContext, email: string): ZoneRead {
	const zoneIds = context.invitees.zonesOf(email);
	if (zoneIds.length === 1) return succeed({ zoneId: zoneIds[0]! });
	const domain = emailDomain(email);
	return fail(
		'zone-needed',
		zoneIds.length === 0
			? `No zone of this consortium lists ${domain}: write the zone this person works in.`
			: `More than one zone lists ${domain}: write the zone this person works in.`
	);
}

// ---- the preview as people read it --------------------------------------------------------

export function countBulkOutcomes(
	rows: readonly Pick<BulkInviteRow, 'outcome'>[]
): BulkInviteCounts {
	const counts = Object.fromEntries(BULK_INVITE_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
		BulkInviteOutcome,
		number
	>;
	for (const row of rows) counts[row.outcome] += 1;
	return counts;
}

/** "Row 7, role: …": where a refused row's problem is, for lists of refusals. */
export function whereInFile(row: Pick<BulkInviteRow, 'row' | 'column'>): string {
	return row.column ? `Row ${row.row}, ${COLUMN_WORDS[row.column]}` : `Row ${row.row}`;
}

/** The counts in a line: "1,200 to invite, 30 to add at once, 4 already members, 2 refused". */
export function summarizeBulkInvite(counts: BulkInviteCounts): string {
	const parts: string[] = [];
	if (counts.invite > 0) parts.push(`${counts.invite.toLocaleString('en')} to invite by mail`);
	if (counts.add > 0) parts.push(`${counts.add.toLocaleString('en')} to add at once`);
	if (counts.member > 0) parts.push(countOf(counts.member, 'already a member', 'already members'));
	if (counts.invited > 0) parts.push(`${counts.invited.toLocaleString('en')} already invited`);
	if (counts.refused > 0) parts.push(`${counts.refused.toLocaleString('en')} refused`);
	return parts.length > 0 ? parts.join(', ') : 'No rows';
}

/** Why the file cannot be applied as it is, or null. */
export function reasonNotToApply(
	preview: Pick<BulkInvitePreview, 'rows' | 'counts'>
): string | null {
	const { counts } = preview;
	if (counts.refused > 0) {
		const first = preview.rows.find((row) => row.outcome === 'refused')!;
		const which = counts.refused === 1 ? 'the refused row' : `the ${counts.refused} refused rows`;
		return `Nothing is applied while a row is refused: correct or remove ${which} (the first is ${whereInFile(first).toLowerCase()}) and preview the file again.`;
	}
	if (counts.invite + counts.add === 0)
		return preview.rows.length === 0
			? 'The file has no rows of people under its first row.'
			: 'Nothing to apply: everyone in the file is already a member or invited.';
	return null;
}

/** The template's example end date: the last day of next August, a summer job's end. */
function endOfTemplate(): string {
	const now = new Date();
	const year = now.getUTCMonth() >= 7 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
	return `${year}-08-31`;
}

/**
 * A file to start from: the columns, and a row for a zone of the project whose data view is its
 * own, so that the zone column shows a name the file may use.
 */
export function bulkInviteTemplate(zones: readonly Zone[]): string {
	const zone = zones.find((each) => each.kind === 'institution') ?? zones[0];
	const domain = zone?.emailDomains[0] ?? 'library.example.edu';
	return formatCsv([
		[...BULK_INVITE_COLUMNS],
		[`first.person@${domain}`, 'First Person', ROLE_LABELS.analyst, zone?.name ?? '', ''],
		[`second.person@${domain}`, 'Second Person', ROLE_LABELS.consumer, '', endOfTemplate()]
	]);
}
