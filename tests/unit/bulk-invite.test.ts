/**
 * A CSV file of people to invite (src/lib/shared/bulk-invite.ts): any text is read without a
 * crash, and every row of a file that reads gets exactly one outcome; a row does what Invite Users
 * would do with the same address, role and zone, no more and no less; the file's own rules (its
 * columns, duplicate rows, end dates written as days) read as the preview says them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEmailEntry } from '../../src/lib/components/email-entries';
import { planInvitations } from '../../src/lib/components/invite-plan';
import { inviteRoleChoices, inviteStanding } from '../../src/lib/member-permissions';
import {
	BULK_INVITE_OUTCOMES,
	bulkInviteTemplate,
	countBulkOutcomes,
	endOfDayIn,
	newInvitation,
	openInvitationsByEmail,
	planBulkInvite,
	readBulkInviteText,
	reasonNotToApply,
	ROLE_LABELS,
	ROLES,
	summarizeBulkInvite,
	type BulkInviteLine,
	type Invite,
	type ManagementMode,
	type PlannedBulkRow
} from '../../src/lib/shared';
import {
	INSTITUTION_VIEWS,
	NETWORK_VIEWS,
	ZONES,
	facts as projectFacts,
	izMember,
	member
} from '../support/policy-fixtures';

const NOW = Date.UTC(2026, 10, 2, 9);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

function project(mode: ManagementMode) {
	const facts = projectFacts(
		mode,
		mode === 'network-zone'
			? [member('ada', 'admin', 'nz'), izMember('ian', 'analyst', 'aurora')]
			: [member('ada', 'admin', 'aurora'), member('ian', 'analyst', 'aurora')],
		{ 'known@mail.example.com': ['borealis'] }
	);
	const invites: Invite[] = [
		newInvitation({
			id: 'i1',
			email: 'iris@aurora.example.edu',
			role: 'analyst',
			zoneId: 'aurora',
			scope: 'all',
			invitedBy: 'ada',
			invitedAt: 1
		})
	];
	return { facts, invites, views: mode === 'network-zone' ? NETWORK_VIEWS : INSTITUTION_VIEWS };
}

function plan(
	mode: ManagementMode,
	lines: readonly BulkInviteLine[],
	options: { actorId?: string; accounts?: string[] } = {}
): PlannedBulkRow[] {
	const { facts, invites, views } = project(mode);
	let next = 0;
	return planBulkInvite(
		{
			facts,
			actorId: options.actorId ?? 'ada',
			invitees: facts.invitees,
			zones: ZONES,
			views,
			openInvitations: openInvitationsByEmail(invites),
			hasAccount: (email) => (options.accounts ?? []).includes(email),
			now: NOW,
			newId: () => `new-${(next += 1)}`
		},
		lines
	);
}

function read(text: string): BulkInviteLine[] {
	const file = readBulkInviteText(text);
	if (!file.ok) throw new Error(file.message);
	return file.lines;
}

function rows(mode: ManagementMode, ...lines: string[]): PlannedBulkRow[] {
	return plan(mode, read(['email,name,role,zone,end date', ...lines].join('\n')));
}

const CSV_CHARS = fc.constantFrom(
	...'ab@.,"\n\r \t-ö'.split(''),
	'email',
	'role',
	'zone',
	'Analyst',
	'aurora.example.edu',
	'Aurora',
	'\uFEFF'
);

describe('any text', () => {
	it('is read without a crash, and every row of a file that reads gets one outcome', () => {
		const header = fc.constantFrom('', 'email,role\n', 'Email, Name ,ROLE,Data View,Ends at\n');
		fc.assert(
			fc.property(
				header,
				fc.array(CSV_CHARS, { maxLength: 80 }).map((parts) => parts.join('')),
				fc.constantFrom<ManagementMode>('network-zone', 'institution-zone'),
				(head, body, mode) => {
					const file = readBulkInviteText(head + body);
					if (!file.ok) {
						expect(file.code).toBe('invalid-csv');
						expect(file.problems.length).toBeGreaterThan(0);
						return;
					}
					const planned = plan(mode, file.lines);
					expect(planned.map((row) => row.row)).toEqual(file.lines.map((line) => line.row));
					for (const row of planned) {
						expect(BULK_INVITE_OUTCOMES).toContain(row.outcome);
						expect(row.message.length).toBeGreaterThan(0);
						expect(row.invite !== null).toBe(row.outcome === 'invite' || row.outcome === 'add');
						if (row.outcome === 'refused') expect(row.code).not.toBeNull();
					}
					const counts = countBulkOutcomes(planned);
					expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(planned.length);
				}
			),
			{ numRuns: RUNS }
		);
	});
});

describe('a row and Invite Users', () => {
	const ADDRESSES = [
		'new@aurora.example.edu',
		'new@borealis.example.edu',
		'new@office.example.org',
		'walk.in@mail.example.com',
		'known@mail.example.com',
		'ian@aurora.example.edu',
		'iris@aurora.example.edu'
	];
	const ZONE_CELLS = ['', ...ZONES.map((zone) => zone.name)];

	it('does what the dialog would do with the same address, role and zone', () => {
		fc.assert(
			fc.property(
				fc.constantFrom<ManagementMode>('network-zone', 'institution-zone'),
				fc.constantFrom('ada', 'ian'),
				fc.constantFrom(...ADDRESSES),
				fc.constantFrom(...ROLES),
				fc.constantFrom(...ZONE_CELLS),
				(mode, actorId, email, role, zoneCell) => {
					const { facts, invites } = project(mode);
					const [row] = plan(mode, read(`email,role,zone\n${email},${role},${zoneCell}`), {
						actorId
					});
					const standing = inviteStanding(facts, actorId, invites, ZONES, email);
					const cellZone = ZONES.find((zone) => zone.name === zoneCell)?.id;
					const dialog = (zoneId: string) =>
						planInvitations(
							[readEmailEntry(email)],
							() => standing,
							(address, zone) => inviteRoleChoices(facts, actorId, address, zone),
							{ sharedRole: role, roles: {}, zones: { [email]: zoneId } }
						)[0]!;
					const invited = row!.outcome === 'invite';
					if (standing.kind === 'skipped') expect(row!.outcome).toBe(standing.why);
					else if (standing.kind === 'refused') expect(row!.outcome).toBe('refused');
					else if (standing.kind === 'zoned') {
						if (cellZone !== undefined && cellZone !== standing.zoneId)
							expect(row!.code).toBe('zone-does-not-match-email');
						else expect(invited).toBe(dialog(standing.zoneId).state === 'ready');
					} else if (cellZone === undefined) expect(row!.code).toBe('zone-needed');
					else if (!standing.zoneIds.includes(cellZone)) expect(row!.outcome).toBe('refused');
					else expect(invited).toBe(dialog(cellZone).state === 'ready');
				}
			),
			{ numRuns: RUNS }
		);
	});
});

describe('the file', () => {
	it('reads its columns by name, in any order and case, and leaves out blank lines at its end', () => {
		const planned = plan(
			'network-zone',
			read(
				' Data View ,E-mail Address,Role,Ends On\r\nAurora,Ann@Aurora.example.edu,ANALYST,2027-08-31\r\n,,,\r\n\r\n'
			)
		);
		expect(planned).toHaveLength(1);
		expect(planned[0]).toMatchObject({
			email: 'ann@aurora.example.edu',
			outcome: 'invite',
			zoneId: 'aurora',
			endsAt: Date.UTC(2027, 8, 1) - 1
		});
		expect(planned[0]!.invite).toMatchObject({ scope: ['v-aurora'], invitedBy: 'ada' });
	});

	it('reads roles by id or label, Messenger as Consumer, and a zone by its label or a data view', () => {
		const planned = rows(
			'network-zone',
			'a@office.example.org,,project admin,Office (Network Zone),',
			'b@aurora.example.edu,,MESSENGER,v-aurora,',
			'c@office.example.org,,Analyst,All libraries,'
		);
		expect(planned.map((row) => [row.outcome, row.role, row.zoneId])).toEqual([
			['invite', 'admin', 'nz'],
			['invite', 'consumer', 'aurora'],
			['invite', 'analyst', 'nz']
		]);
	});

	it('refuses a header it cannot read, with its column', () => {
		const unknown = readBulkInviteText('email,role,phone\n');
		expect(unknown.ok).toBe(false);
		if (!unknown.ok)
			expect(unknown.problems).toEqual([expect.objectContaining({ row: 1, column: 3 })]);
		const twice = readBulkInviteText('email,role,Email\n');
		if (!twice.ok) expect(twice.problems[0]!.message).toBe('The email column is named twice.');
		const empty = readBulkInviteText('\r\n\r\n');
		if (!empty.ok) expect(empty.message).toContain('The file is empty');
		const unclosed = readBulkInviteText('email,role\n"a@b.org,Analyst\n');
		expect(unclosed.ok).toBe(false);
	});

	it('refuses a row with more cells than columns, and a malformed cell, in that row only', () => {
		const planned = rows(
			'network-zone',
			'a@office.example.org,,Analyst,,,extra',
			'b@office.example.org,,Ana"lyst,,',
			'c@office.example.org,,Analyst'
		);
		expect(planned.map((row) => [row.outcome, row.code, row.column])).toEqual([
			['refused', 'malformed-row', null],
			['refused', 'malformed-row', 'role'],
			['invite', null, null]
		]);
	});

	it('says why Apply waits, and what the file will do', () => {
		const planned = rows(
			'network-zone',
			'a@office.example.org,,Analyst,,',
			'b@office.example.org,,Boss,,',
			'ian@aurora.example.edu,,Analyst,,'
		);
		const counts = countBulkOutcomes(planned);
		expect(summarizeBulkInvite(counts)).toBe('1 to invite by mail, 1 already a member, 1 refused');
		expect(reasonNotToApply({ rows: planned, counts })).toBe(
			'Nothing is applied while a row is refused: correct or remove the refused row (the first is row 3, role) and preview the file again.'
		);
		const members = rows('network-zone', 'ian@aurora.example.edu,,Analyst,,');
		expect(reasonNotToApply({ rows: members, counts: countBulkOutcomes(members) })).toBe(
			'Nothing to apply: everyone in the file is already a member or invited.'
		);
	});

	it('adds at once an address that has an account', () => {
		const planned = plan('network-zone', read('email,role\nhas@office.example.org,Consumer'), {
			accounts: ['has@office.example.org']
		});
		expect(planned[0]).toMatchObject({ outcome: 'add', role: 'consumer' });
	});

	it('gives a template whose rows invite, with the project’s zone names', () => {
		const template = bulkInviteTemplate(ZONES);
		expect(template.split('\r\n')[0]).toBe('\uFEFFemail,name,role,zone,end date');
		expect(template).toContain(
			`first.person@aurora.example.edu,First Person,${ROLE_LABELS.analyst},Aurora,`
		);
		const planned = plan('network-zone', read(template));
		expect(planned.map((row) => row.outcome)).toEqual(['invite', 'invite']);
	});
});

describe('an end date', () => {
	it('is the end of that day in the time zone, across a change of clocks', () => {
		expect(endOfDayIn('2027-03-28', 'Europe/Helsinki')).toBe(Date.UTC(2027, 2, 28, 21) - 1);
		expect(endOfDayIn('2027-10-31', 'Europe/Helsinki')).toBe(Date.UTC(2027, 9, 31, 22) - 1);
		expect(endOfDayIn('2027-02-30', 'UTC')).toBeNull();
		expect(endOfDayIn('31/08/2027', 'UTC')).toBeNull();
	});

	it('refuses a day written otherwise, or already over', () => {
		const planned = rows(
			'network-zone',
			'a@office.example.org,,Analyst,,8/31/2027',
			'b@office.example.org,,Analyst,,2026-11-01'
		);
		expect(planned.map((row) => [row.code, row.column])).toEqual([
			['invalid-end-date', 'end date'],
			['end-date-past', 'end date']
		]);
	});
});
