/**
 * Fail closed: write authority is judged on the whole entry, not on what the write changes; what
 * is accepted is the entry's canonical form; input a judge does not understand is refused, never
 * thrown on. The attacks of the "fail closed" report, and their neighbours.
 */
import { describe, expect, it } from 'vitest';
import {
	judgeProjectBatch,
	judgeProjectChange,
	judgeViewChange,
	readEntry,
	type Decision,
	type EntryChange,
	type Member
} from '../../src/lib/shared';
import { BOARD, INVITE, JOIN_REQUEST, LEXICON_ENTRY } from '../support/entry-fixtures';
import { GLOBAL_VIEW, facts, member } from '../support/policy-fixtures';

const network = facts('network-zone', [
	member('ada', 'admin', 'nz'),
	member('bo', 'admin', 'nz'),
	member('nia', 'analyst', 'nz'),
	member('cy', 'consumer', 'nz'),
	member('cora', 'consumer', 'nz')
]);
const institution = facts('institution-zone', [
	member('ava', 'admin', 'aurora'),
	member('abe', 'admin', 'aurora'),
	member('cal', 'consumer', 'aurora')
]);

/** What `author` writes over the member entry of `accountId`: their stamps plus `patch`. */
function rewrite(
	project: typeof network,
	accountId: string,
	author: string,
	patch: Record<string, unknown> = {}
): EntryChange {
	const before = project.member(accountId)!;
	return {
		root: 'members',
		key: accountId,
		before,
		after: { ...before, updatedBy: author, updatedAt: 99, ...patch }
	};
}

const judge = (project: typeof network, author: string, change: EntryChange): Decision =>
	judgeProjectChange(project, author, change, project.invitees);

describe('the synonym Messenger', () => {
	it('is stored as Consumer when an Analyst steps down with it', () => {
		const change = rewrite(network, 'nia', 'nia', { role: 'messenger' });
		expect(judge(network, 'nia', change)).toEqual({ ok: true });
		expect(readEntry('project', 'members', 'nia', change.after)).toMatchObject({
			ok: true,
			value: { role: 'consumer' }
		});
	});

	it('changes nothing on a Consumer’s own entry, so there is nothing to save', () => {
		expect(judge(network, 'cy', rewrite(network, 'cy', 'cy', { role: 'messenger' }))).toEqual({
			ok: false,
			code: 'admin-only',
			message: 'Your role and data views stay as they are: there is nothing to save.'
		});
	});

	it('is refused on another Consumer’s entry: it is not the author’s entry', () => {
		expect(judge(network, 'cy', rewrite(network, 'cora', 'cy', { role: 'messenger' }))).toEqual({
			ok: false,
			code: 'admin-only',
			message: 'Only Project Admins can manage the users of a project.'
		});
	});

	it('counts as the Consumer it stands for when it replaces the last Project Admin', () => {
		const alone = facts('network-zone', [member('ada', 'admin', 'nz')]);
		const [verdict] = judgeProjectBatch(
			alone,
			'ada',
			[rewrite(alone, 'ada', 'ada', { role: 'messenger' })],
			alone.invitees
		);
		expect(verdict!.decision).toMatchObject({ code: 'last-admin' });
	});
});

describe('rewriting someone else’s member entry', () => {
	it('is refused to a Consumer who changes only the stamps of the admin’s entry', () => {
		expect(judge(network, 'cy', rewrite(network, 'ada', 'cy'))).toMatchObject({
			ok: false,
			code: 'admin-only'
		});
		// Keeping the admin's name in updatedBy does not make it theirs either.
		expect(judge(network, 'cy', rewrite(network, 'ada', 'cy', { updatedBy: 'ada' }))).toMatchObject(
			{ ok: false, code: 'author-mismatch' }
		);
	});

	it('is refused to an Analyst and a Consumer whatever field they touch', () => {
		for (const author of ['nia', 'cy'])
			for (const patch of [{}, { name: 'Boss' }, { scope: ['global'] }, { role: 'admin' }])
				expect(judge(network, author, rewrite(network, 'ada', author, patch))).toMatchObject({
					ok: false
				});
	});

	it('is open to a Project Admin who may manage that member, even when nothing else changes', () => {
		expect(judge(network, 'ada', rewrite(network, 'cy', 'ada'))).toEqual({ ok: true });
		expect(judge(network, 'ada', rewrite(network, 'ada', 'ada'))).toEqual({ ok: true });
	});

	it('is refused on another Project Admin’s entry in either management mode', () => {
		for (const [project, author, admin] of [
			[institution, 'ava', 'abe'],
			[network, 'ada', 'bo']
		] as const) {
			expect(judge(project, author, rewrite(project, admin, author))).toEqual({
				ok: false,
				code: 'admin-protected',
				message:
					'A Project Admin cannot rewrite the entry of another Project Admin, only users below Admin.'
			});
			expect(judge(project, author, rewrite(project, author, author))).toEqual({
				ok: true
			});
		}
	});

	it('refuses a field the schema does not know, naming it, from anyone', () => {
		for (const [author, target] of [
			['ada', 'cy'],
			['cy', 'cy']
		] as const)
			expect(
				judge(network, author, rewrite(network, target, author, { role: 'analyst', isOwner: true }))
			).toEqual({
				ok: false,
				code: 'invalid-entry',
				message: 'Unknown field "isOwner" in a membership.'
			});
	});
});

describe('rewriting invitations and requests', () => {
	const invites = { root: 'invites', key: INVITE.id, before: INVITE };
	const requests = { root: 'requests', key: JOIN_REQUEST.id, before: JOIN_REQUEST };

	it('is for Project Admins only, even when nothing changes', () => {
		for (const author of ['nia', 'cy']) {
			expect(judge(network, author, { ...invites, after: INVITE })).toMatchObject({
				code: 'admin-only'
			});
		}
		expect(judge(institution, 'cal', { ...requests, after: JOIN_REQUEST })).toMatchObject({
			ok: false
		});
	});

	it('refuses NaN where null stood, instead of reading it as null', () => {
		expect(
			judge(network, 'ada', { ...invites, after: { ...INVITE, acceptedAt: Number.NaN } })
		).toEqual({
			ok: false,
			code: 'invalid-entry',
			message: 'Invalid invitation (acceptedAt): Invalid input: expected number, received NaN.'
		});
		const decided = {
			...JOIN_REQUEST,
			status: 'denied',
			decidedBy: 'ava',
			decidedAt: 5,
			decisionReason: 'Not now'
		};
		expect(judge(institution, 'ava', { ...requests, after: decided })).toEqual({ ok: true });
		expect(
			judge(institution, 'ava', { ...requests, after: { ...decided, decisionReason: Number.NaN } })
		).toMatchObject({ ok: false, code: 'invalid-entry' });
	});

	it('refuses, without throwing, a change of an entry that was stored malformed', () => {
		const stored = { ...INVITE, sentAt: Number.NaN };
		for (const after of [INVITE, { ...INVITE, sendRequests: 2 }, undefined])
			expect(judge(network, 'ada', { ...invites, before: stored, after })).toEqual({
				ok: false,
				code: 'invalid-entry',
				message: 'This invitation was stored malformed: only the server can replace it.'
			});
	});

	it('reads a stored entry with a field an older version let through for what it says', () => {
		const stored = { ...INVITE, note: 'old' };
		expect(
			judge(network, 'ada', { ...invites, before: stored, after: { ...INVITE, sendRequests: 2 } })
		).toEqual({ ok: true });
		const nia = { ...network.member('nia')!, note: 'old' } as Member;
		expect(
			judge(network, 'ada', { root: 'members', key: 'nia', before: nia, after: undefined })
		).toEqual({ ok: true });
	});
});

describe('rewriting someone else’s entry of a data view', () => {
	const nias = { ...BOARD, createdBy: 'nia', updatedBy: 'nia' };
	const stampsOnly = (author: string) => ({
		root: 'boards',
		key: BOARD.id,
		before: nias,
		after: { ...nias, updatedBy: author, updatedAt: 99 }
	});

	it('needs its creator or a Project Admin, even with identical content', () => {
		expect(
			judgeViewChange(
				{ accountId: 'cy', role: 'consumer' },
				'shared',
				stampsOnly('cy'),
				GLOBAL_VIEW
			)
		).toMatchObject({ ok: false, code: 'creator-or-admin' });
		expect(
			judgeViewChange(
				{ accountId: 'nia', role: 'analyst' },
				'shared',
				stampsOnly('nia'),
				GLOBAL_VIEW
			)
		).toEqual({ ok: true });
		expect(
			judgeViewChange({ accountId: 'ada', role: 'admin' }, 'shared', stampsOnly('ada'), GLOBAL_VIEW)
		).toEqual({ ok: true });
	});

	it('refuses a Lexicon rewrite that changes only the stamps to whoever may not edit the Lexicon', () => {
		const change = (author: string) => ({
			root: 'lexicon',
			key: LEXICON_ENTRY.id,
			before: LEXICON_ENTRY,
			after: { ...LEXICON_ENTRY, updatedBy: author, updatedAt: 99 }
		});
		expect(
			judgeViewChange({ accountId: 'cy', role: 'consumer' }, 'shared', change('cy'), GLOBAL_VIEW)
		).toEqual({
			ok: false,
			code: 'role-not-permitted',
			message: 'Consumers cannot edit the Lexicon.'
		});
		expect(
			judgeViewChange({ accountId: 'nia', role: 'analyst' }, 'shared', change('nia'), GLOBAL_VIEW)
		).toEqual({
			ok: false,
			code: 'role-not-permitted',
			message: 'Analysts cannot edit the Lexicon.'
		});
		expect(
			judgeViewChange({ accountId: 'ada', role: 'admin' }, 'shared', change('ada'), GLOBAL_VIEW)
		).toEqual({
			ok: true
		});
	});

	it('refuses an unknown field in a view entry, naming it', () => {
		expect(
			judgeViewChange(
				{ accountId: 'ada', role: 'admin' },
				'shared',
				{
					...stampsOnly('ada'),
					after: { ...nias, updatedBy: 'ada', sharedWith: ['everyone'] }
				},
				GLOBAL_VIEW
			)
		).toEqual({
			ok: false,
			code: 'invalid-entry',
			message: 'Unknown field "sharedWith" in a board.'
		});
	});
});
