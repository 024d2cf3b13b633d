/**
 * The rules of end dates (src/lib/shared/policy/membership-rules.ts) and the days they are made of
 * (src/lib/shared/access-ends.ts): setting, changing or clearing a member's end date is managing
 * them (a Project Admin, never on another Project Admin, nobody on their own unless an admin), an
 * end date is in the future by the judge's clock, the only Project Admin has none, a membership
 * past its end is only removed, and an invitation's end date is in the future when made and when
 * resent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	daysInMs,
	endDay,
	endOfDay,
	endedAsPlanned,
	hasEnded,
	judgeProjectBatch,
	judgeProjectChange,
	membershipNews,
	readEndDay,
	ROLES,
	withResendRequested,
	type EntryChange,
	type Invite,
	type Member,
	type Role
} from '../../src/lib/shared';
import { facts, member } from '../support/policy-fixtures';

const NOW = Date.UTC(2026, 7, 20, 9, 0);
const END = endOfDay('2026-08-31')!;

function project(members: Member[], now = NOW) {
	return { ...facts('network-zone', members), now: () => now };
}

const TEAM = [
	member('ada', 'admin', 'nz'),
	member('bo', 'admin', 'nz'),
	member('nia', 'analyst', 'nz'),
	member('cy', 'consumer', 'nz')
];

function endDateChange(
	members: Member[],
	author: string,
	accountId: string,
	endsAt: number | null
): EntryChange {
	const before = members.find((entry) => entry.accountId === accountId)!;
	return {
		root: 'members',
		key: accountId,
		before,
		after: { ...before, endsAt, updatedBy: author, updatedAt: NOW }
	};
}

function judge(members: Member[], author: string, change: EntryChange, now = NOW) {
	const judged = project(members, now);
	return judgeProjectChange(judged, author, change, judged.invitees);
}

describe('who may set when a membership ends', () => {
	it('lets a Project Admin set, change and clear the end date of a member below Admin', () => {
		expect(judge(TEAM, 'ada', endDateChange(TEAM, 'ada', 'nia', END))).toEqual({ ok: true });
		const ending = TEAM.map((entry) =>
			entry.accountId === 'nia' ? { ...entry, endsAt: END } : entry
		);
		expect(judge(ending, 'ada', endDateChange(ending, 'ada', 'nia', END + daysInMs(30)))).toEqual({
			ok: true
		});
		expect(judge(ending, 'ada', endDateChange(ending, 'ada', 'nia', null))).toEqual({ ok: true });
	});

	it('lets a Project Admin set their own while another Project Admin stays', () => {
		expect(judge(TEAM, 'ada', endDateChange(TEAM, 'ada', 'ada', END))).toEqual({ ok: true });
	});

	it('refuses an end date on another Project Admin', () => {
		expect(judge(TEAM, 'ada', endDateChange(TEAM, 'ada', 'bo', END))).toMatchObject({
			ok: false,
			code: 'admin-protected',
			message:
				'A Project Admin cannot set an end date for another Project Admin, only users below Admin.'
		});
	});

	it('refuses a member who moves their own end date, later or away', () => {
		const ending = TEAM.map((entry) =>
			entry.accountId === 'cy' ? { ...entry, endsAt: END } : entry
		);
		for (const endsAt of [END + daysInMs(30), null])
			expect(judge(ending, 'cy', endDateChange(ending, 'cy', 'cy', endsAt))).toMatchObject({
				ok: false,
				code: 'admin-only',
				message: 'Only a Project Admin can change when your access ends.'
			});
		expect(judge(ending, 'nia', endDateChange(ending, 'nia', 'cy', null))).toMatchObject({
			code: 'admin-only'
		});
	});

	it('refuses a member who steps down and moves their end date in one write', () => {
		const ending = TEAM.map((entry) =>
			entry.accountId === 'nia' ? { ...entry, endsAt: END } : entry
		);
		const change = endDateChange(ending, 'nia', 'nia', null);
		(change.after as Member).role = 'consumer';
		expect(judge(ending, 'nia', change)).toMatchObject({ code: 'admin-only' });
	});

	it('refuses an end date on the only Project Admin, but not on one promoted beside them', () => {
		const alone = [member('ada', 'admin', 'nz'), member('nia', 'analyst', 'nz')];
		expect(judge(alone, 'ada', endDateChange(alone, 'ada', 'ada', END))).toMatchObject({
			ok: false,
			code: 'last-admin'
		});
		const promoted = endDateChange(alone, 'ada', 'nia', END);
		(promoted.after as Member).role = 'admin';
		expect(judge(alone, 'ada', promoted)).toEqual({ ok: true });
	});
});

describe('when an end date may fall', () => {
	it('refuses a day that has passed by the judge’s clock, whatever the writer’s said', () => {
		const yesterday = endOfDay('2026-08-19')!;
		expect(judge(TEAM, 'ada', endDateChange(TEAM, 'ada', 'nia', yesterday))).toMatchObject({
			ok: false,
			code: 'end-date-past',
			message: 'An end date must be in the future: 19 Aug 2026 has already passed.'
		});
		// The same change, judged on a server whose clock is behind the writer's, is allowed.
		expect(judge(TEAM, 'ada', endDateChange(TEAM, 'ada', 'nia', yesterday), yesterday - 1)).toEqual(
			{ ok: true }
		);
	});

	it('keeps a membership past its end for the server to remove: only a removal touches it', () => {
		const ended = TEAM.map((entry) =>
			entry.accountId === 'nia' ? { ...entry, endsAt: END } : entry
		);
		const after = END + 1;
		expect(judge(ended, 'ada', endDateChange(ended, 'ada', 'nia', null), after)).toMatchObject({
			code: 'access-ended',
			message: 'nia’s access ended on 31 Aug 2026: the server removes the membership.'
		});
		const promote = endDateChange(ended, 'ada', 'nia', END);
		(promote.after as Member).role = 'consumer';
		expect(judge(ended, 'ada', promote, after)).toMatchObject({ code: 'access-ended' });
		const removal: EntryChange = {
			root: 'members',
			key: 'nia',
			before: ended[2],
			after: undefined
		};
		expect(judge(ended, 'ada', removal, after)).toEqual({ ok: true });
		expect(judge(ended, 'nia', removal, after)).toEqual({ ok: true });
		// On its last moment it has not ended yet.
		expect(judge(ended, 'ada', endDateChange(ended, 'ada', 'nia', null), END)).toEqual({
			ok: true
		});
	});

	it('reads an entry stored before end dates existed as one without an end', () => {
		const old = TEAM.map(({ endsAt: _none, ...entry }) => entry as Member);
		expect(judge(old, 'ada', endDateChange(old, 'ada', 'nia', END))).toEqual({ ok: true });
		const rewrite: EntryChange = {
			root: 'members',
			key: 'nia',
			before: old[2],
			after: { ...old[2], role: 'consumer', updatedBy: 'ada', updatedAt: NOW }
		};
		expect(judge(old, 'ada', rewrite)).toEqual({ ok: true });
	});

	it('holds for any actor, target, date and clock (property)', () => {
		const roles = fc.constantFrom<Role>(...ROLES);
		fc.assert(
			fc.property(
				roles,
				roles,
				fc.boolean(),
				fc.boolean(),
				fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
				(actorRole, targetRole, self, otherAdmin, offsetDays) => {
					const actor = member('actor', actorRole, 'nz');
					const target = self ? actor : member('target', targetRole, 'nz');
					const people = [actor, ...(self ? [] : [target])];
					if (otherAdmin) people.push(member('keeper', 'admin', 'nz'));
					const endsAt = offsetDays === null ? null : NOW + daysInMs(offsetDays);
					const decision = judge(
						people,
						'actor',
						endDateChange(people, 'actor', target.accountId, endsAt)
					);
					const admins = people.filter((entry) => entry.role === 'admin').length;
					const allowed =
						actorRole === 'admin' &&
						(self || target.role !== 'admin') &&
						(endsAt === null || !hasEnded(endsAt, NOW)) &&
						(endsAt === null || target.role !== 'admin' || admins > 1);
					// Clearing an end date that is not there changes nothing: a rewrite, an admin's.
					expect(decision.ok).toBe(allowed);
				}
			),
			{ numRuns: 500 }
		);
	});
});

describe('an invitation’s end date', () => {
	function invitation(endsAt: number | null, patch: Partial<Invite> = {}): Invite {
		return {
			id: 'inv1',
			email: 'summer@office.example.org',
			role: 'analyst',
			zoneId: 'nz',
			scope: 'all',
			invitedBy: 'ada',
			invitedAt: NOW,
			endsAt,
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null,
			...patch
		};
	}

	const add = (invite: Invite): EntryChange => ({
		root: 'invites',
		key: invite.id,
		before: undefined,
		after: invite
	});

	it('is in the future when the invitation is made', () => {
		expect(judge(TEAM, 'ada', add(invitation(END)))).toEqual({ ok: true });
		expect(judge(TEAM, 'ada', add(invitation(null)))).toEqual({ ok: true });
		expect(judge(TEAM, 'ada', add(invitation(NOW - 1)))).toMatchObject({
			code: 'end-date-past'
		});
	});

	it('cannot be resent once the access it offers has ended, only revoked', () => {
		const sent = invitation(END, { status: 'sent', sentAt: NOW, expiresAt: NOW + daysInMs(7) });
		const resend: EntryChange = {
			root: 'invites',
			key: sent.id,
			before: sent,
			after: withResendRequested(sent)
		};
		expect(judge(TEAM, 'ada', resend)).toEqual({ ok: true });
		expect(judge(TEAM, 'ada', resend, END + 1)).toMatchObject({ code: 'access-ended' });
		expect(
			judge(TEAM, 'ada', { ...resend, after: undefined } satisfies EntryChange, END + 1)
		).toEqual({ ok: true });
	});

	it('cannot be changed by a resend', () => {
		const sent = invitation(END, { status: 'sent', sentAt: NOW, expiresAt: NOW + daysInMs(7) });
		const change: EntryChange = {
			root: 'invites',
			key: sent.id,
			before: sent,
			after: { ...withResendRequested(sent), endsAt: END + daysInMs(30) }
		};
		expect(judge(TEAM, 'ada', change)).toMatchObject({ code: 'immutable-field' });
	});
});

describe('a batch with end dates', () => {
	it('judges each end date against the state before the batch', () => {
		const judged = project(TEAM);
		const verdicts = judgeProjectBatch(
			judged,
			'ada',
			[endDateChange(TEAM, 'ada', 'nia', END), endDateChange(TEAM, 'ada', 'bo', END)],
			judged.invitees
		);
		expect(verdicts.map((verdict) => verdict.decision.ok)).toEqual([true, false]);
	});
});

describe('the days end dates are made of', () => {
	it('reads a day as its last moment in UTC, and refuses what is no day', () => {
		expect(endOfDay('2026-08-31')).toBe(Date.UTC(2026, 7, 31, 23, 59, 59, 999));
		expect(endOfDay(' 2028-02-29 ')).toBe(Date.UTC(2028, 1, 29, 23, 59, 59, 999));
		for (const wrong of ['2026-02-30', '2026-13-01', '31/08/2026', '2026-8-31', ''])
			expect(endOfDay(wrong)).toBeNull();
	});

	it('gives back the day it was read from (property)', () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date(2000, 0, 1), max: new Date(2200, 0, 1), noInvalidDate: true }),
				(date) => {
					const day = date.toISOString().slice(0, 10);
					expect(endDay(endOfDay(day)!)).toBe(day);
				}
			)
		);
	});

	it('reads what a person typed: nothing, a day to come, or why not', () => {
		expect(readEndDay('', NOW)).toEqual({ ok: true, endsAt: null });
		expect(readEndDay('2026-08-20', NOW)).toEqual({ ok: true, endsAt: endOfDay('2026-08-20') });
		expect(readEndDay('2026-08-19', NOW)).toMatchObject({ ok: false, code: 'end-date-past' });
		expect(readEndDay('next week', NOW)).toMatchObject({
			ok: false,
			code: 'invalid-end-date',
			message: '“next week” is not a day: write it as 2026-08-31.'
		});
	});

	it('tells the server’s ending from an operator’s removal', () => {
		expect(endedAsPlanned({ endsAt: END }, null, END + 1)).toBe(true);
		expect(endedAsPlanned({ endsAt: END }, null, END)).toBe(false);
		expect(endedAsPlanned({ endsAt: END }, 'ada', END + 1)).toBe(false);
		expect(endedAsPlanned({}, null, END + 1)).toBe(false);
	});
});

describe('what a member is told of their end date', () => {
	const base = { role: 'analyst' as const, scope: 'all' as const };
	const tell = (
		before: { endsAt?: number | null },
		after: { endsAt?: number | null } | null,
		actorName: string | null = 'Ada Admin',
		ended = false
	) =>
		membershipNews({
			actorName,
			projectName: 'Analytics',
			before: { ...base, ...before },
			after: after && { ...base, ...after },
			views: [],
			ended
		});

	it('says who set it and until when, and who cleared it', () => {
		expect(tell({ endsAt: null }, { endsAt: END })).toEqual({
			kind: 'end-date-changed',
			subject: 'Your access to Analytics now ends on 31 Aug 2026',
			text: 'Ada Admin set your access to Analytics to end on 31 Aug 2026. You are reminded a week and a day before.'
		});
		expect(tell({ endsAt: END }, { endsAt: null })).toMatchObject({
			subject: 'Your access to Analytics no longer ends'
		});
		expect(tell({ endsAt: END }, { endsAt: END })).toBeNull();
	});

	it('says that access ended as planned, not that the operators removed them', () => {
		expect(tell({ endsAt: END }, null, null, true)).toMatchObject({
			kind: 'removed-from-project',
			subject: 'Your access to Analytics has ended',
			text: expect.stringContaining('Your access to Analytics ended on 31 Aug 2026, as planned.')
		});
		expect(tell({ endsAt: END }, null, null, false)?.text).toContain(
			'The consortium’s operators removed you'
		);
	});

	it('tells the last Project Admin that their access continues', () => {
		expect(tell({ endsAt: END }, { endsAt: null }, null)).toMatchObject({
			subject: 'Your access to Analytics continues',
			text: expect.stringContaining('you are its last Project Admin, so it continues')
		});
	});
});
