import { describe, expect, it } from 'vitest';
import {
	decideCreation,
	judgeProjectBatch,
	judgeProjectChange,
	judgeViewChange,
	type EntryChange,
	type Invite
} from '../../src/lib/shared';
import { GLOBAL_VIEW, facts, izMember, member } from '../support/policy-fixtures';

const network = facts('network-zone', [
	member('ada', 'admin', 'nz'),
	member('bo', 'admin', 'nz'),
	member('nia', 'analyst', 'nz'),
	izMember('ian', 'analyst', 'aurora')
]);

function memberUpdate(
	accountId: string,
	author: string,
	patch: Record<string, unknown>
): EntryChange {
	const before = network.member(accountId)!;
	return {
		root: 'members',
		key: accountId,
		before,
		after: { ...before, updatedBy: author, updatedAt: 2, ...patch }
	};
}

function newInvite(author: string, patch: Partial<Invite> = {}): Invite {
	return {
		id: 'inv1',
		email: 'new@office.example.org',
		role: 'analyst',
		zoneId: 'nz',
		scope: 'all',
		invitedBy: author,
		invitedAt: 5,
		sendRequests: 1,
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null,
		...patch
	};
}

describe('changes to a project document', () => {
	it('accepts a role change by a Project Admin', () => {
		expect(
			judgeProjectChange(
				network,
				'ada',
				memberUpdate('nia', 'ada', { role: 'consumer' }),
				network.invitees
			)
		).toEqual({ ok: true });
	});

	it('refuses a role change stamped with someone else’s name', () => {
		expect(
			judgeProjectChange(
				network,
				'ada',
				memberUpdate('nia', 'bo', { role: 'consumer' }),
				network.invitees
			)
		).toMatchObject({
			code: 'author-mismatch'
		});
	});

	it('refuses to move a member to another zone or rename them', () => {
		expect(
			judgeProjectChange(
				network,
				'ada',
				memberUpdate('ian', 'ada', { zoneId: 'nz' }),
				network.invitees
			)
		).toMatchObject({ code: 'immutable-field' });
		expect(
			judgeProjectChange(
				network,
				'ada',
				memberUpdate('ian', 'ada', { email: 'x@y.org' }),
				network.invitees
			)
		).toMatchObject({
			code: 'immutable-field'
		});
	});

	it('refuses an IZ user making themselves Project Admin', () => {
		expect(
			judgeProjectChange(
				network,
				'ian',
				memberUpdate('ian', 'ian', { role: 'admin' }),
				network.invitees
			)
		).toMatchObject({
			ok: false,
			code: 'admin-only'
		});
	});

	it('refuses an Analyst deleting a member', () => {
		expect(
			judgeProjectChange(
				network,
				'nia',
				{
					root: 'members',
					key: 'ian',
					before: network.member('ian'),
					after: undefined
				},
				network.invitees
			)
		).toMatchObject({ code: 'admin-only' });
	});

	it('refuses members added by hand: people join by invitation or request', () => {
		const newcomer = member('zed', 'consumer', 'nz');
		expect(
			judgeProjectChange(
				network,
				'ada',
				{
					root: 'members',
					key: 'zed',
					before: undefined,
					after: newcomer
				},
				network.invitees
			)
		).toMatchObject({
			code: 'join-by-invite'
		});
	});

	it('refuses malformed entries with the field at fault', () => {
		const decision = judgeProjectChange(
			network,
			'ada',
			memberUpdate('nia', 'ada', { role: 'owner' }),
			network.invitees
		);
		expect(decision).toMatchObject({ ok: false, code: 'invalid-entry' });
		expect(!decision.ok && decision.message).toContain('role');
		expect(
			judgeProjectChange(
				network,
				'ada',
				{
					root: 'members',
					key: 'nia',
					before: network.member('nia'),
					after: 'nia'
				},
				network.invitees
			)
		).toMatchObject({
			code: 'invalid-entry'
		});
	});

	it('refuses an entry stored under another key', () => {
		const change = memberUpdate('nia', 'ada', { role: 'consumer' });
		expect(
			judgeProjectChange(network, 'ada', { ...change, key: 'ian' }, network.invitees)
		).toMatchObject({
			code: 'key-mismatch'
		});
	});

	it('refuses writes to the parts the server maintains', () => {
		for (const root of ['settings', 'zones', 'views']) {
			expect(
				judgeProjectChange(
					network,
					'ada',
					{ root, key: 'x', before: undefined, after: {} },
					network.invitees
				)
			).toMatchObject({
				code: 'server-only'
			});
		}
	});

	it('accepts a queued invitation and refuses one that claims to be sent already', () => {
		expect(
			judgeProjectChange(
				network,
				'ada',
				{
					root: 'invites',
					key: 'inv1',
					before: undefined,
					after: newInvite('ada')
				},
				network.invitees
			)
		).toEqual({
			ok: true
		});
		expect(
			judgeProjectChange(
				network,
				'ada',
				{
					root: 'invites',
					key: 'inv1',
					before: undefined,
					after: newInvite('ada', { status: 'sent', sentAt: 9, expiresAt: 99 })
				},
				network.invitees
			)
		).toMatchObject({ code: 'server-only' });
	});

	it('applies the zone rules to the invitation itself', () => {
		const invite = newInvite('ada', {
			email: 'x@aurora.example.edu',
			zoneId: 'aurora',
			role: 'admin',
			scope: ['v-aurora']
		});
		expect(
			judgeProjectChange(
				network,
				'ada',
				{
					root: 'invites',
					key: 'inv1',
					before: undefined,
					after: invite
				},
				network.invitees
			)
		).toMatchObject({
			code: 'iz-user-cannot-be-admin'
		});
	});

	it('lets an admin resend (one more sending) and refuses other edits of an invitation', () => {
		const sent = newInvite('ada', { status: 'sent', sentAt: 9, expiresAt: 99 });
		const resend = { ...sent, sendRequests: 2 };
		expect(
			judgeProjectChange(
				network,
				'bo',
				{
					root: 'invites',
					key: 'inv1',
					before: sent,
					after: resend
				},
				network.invitees
			)
		).toEqual({ ok: true });
		expect(
			judgeProjectChange(
				network,
				'bo',
				{
					root: 'invites',
					key: 'inv1',
					before: sent,
					after: { ...sent, role: 'admin' }
				},
				network.invitees
			)
		).toMatchObject({ code: 'immutable-field' });
		expect(
			judgeProjectChange(
				network,
				'bo',
				{
					root: 'invites',
					key: 'inv1',
					before: sent,
					after: { ...sent, sendRequests: 5 }
				},
				network.invitees
			)
		).toMatchObject({ code: 'invalid-entry' });
		expect(
			judgeProjectChange(
				network,
				'nia',
				{
					root: 'invites',
					key: 'inv1',
					before: sent,
					after: resend
				},
				network.invitees
			)
		).toMatchObject({
			code: 'admin-only'
		});
	});
});

describe('a batch of changes to a project document', () => {
	it('steps the author down but keeps the other Project Admin in a batch that would demote both', () => {
		const verdicts = judgeProjectBatch(
			network,
			'ada',
			[
				memberUpdate('ada', 'ada', { role: 'analyst' }),
				memberUpdate('bo', 'ada', { role: 'analyst' })
			],
			network.invitees
		);
		expect(verdicts.map((verdict) => verdict.decision)).toEqual([
			{ ok: true },
			{ ok: false, code: 'admin-protected', message: expect.any(String) }
		]);
	});

	it('refuses the last Project Admin stepping down while promoting nobody', () => {
		const alone = facts('network-zone', [
			member('ada', 'admin', 'nz'),
			member('nia', 'analyst', 'nz')
		]);
		const verdicts = judgeProjectBatch(
			alone,
			'ada',
			[memberUpdate('ada', 'ada', { role: 'analyst' })],
			alone.invitees
		);
		expect(verdicts.map((verdict) => verdict.decision)).toEqual([
			{ ok: false, code: 'last-admin', message: expect.any(String) }
		]);
	});

	it('keeps the valid changes of a batch that holds a forbidden one', () => {
		const verdicts = judgeProjectBatch(
			network,
			'ada',
			[
				memberUpdate('nia', 'ada', { role: 'consumer' }),
				memberUpdate('ian', 'ada', { role: 'admin' })
			],
			network.invitees
		);
		expect(verdicts.map((verdict) => verdict.decision.ok)).toEqual([true, false]);
	});

	it('judges with the author’s role before the batch: a self-promotion grants nothing', () => {
		const verdicts = judgeProjectBatch(
			network,
			'nia',
			[
				memberUpdate('nia', 'nia', { role: 'admin' }),
				{ root: 'members', key: 'ian', before: network.member('ian'), after: undefined }
			],
			network.invitees
		);
		expect(verdicts.map((verdict) => verdict.decision.ok)).toEqual([false, false]);
	});
});

describe('changes to data view and private documents', () => {
	const base = { id: 'ce1', createdBy: 'cora', createdAt: 1, updatedBy: 'cora', updatedAt: 1 };
	const customEvent = { ...base, name: 'Checkout', description: '', events: ['cart', 'pay'] };

	it('keeps a Consumer’s custom events in their private document', () => {
		const change = { root: 'customEvents', key: 'ce1', before: undefined, after: customEvent };
		expect(
			judgeViewChange({ accountId: 'cora', role: 'consumer' }, 'shared', change, GLOBAL_VIEW)
		).toMatchObject({ code: 'self-only' });
		expect(
			judgeViewChange({ accountId: 'cora', role: 'consumer' }, 'private', change, GLOBAL_VIEW)
		).toEqual({
			ok: true
		});
	});

	it('lets only the creator edit a board subscription, whatever the role', () => {
		const subscription = {
			id: 's1',
			createdBy: 'nia',
			createdAt: 1,
			updatedBy: 'nia',
			updatedAt: 1,
			boardId: 'b1',
			cadence: 'weekly',
			recipients: ['nia@office.example.org'],
			paused: false
		};
		const edit = (author: string) => ({
			root: 'subscriptions',
			key: 's1',
			before: subscription,
			after: { ...subscription, cadence: 'daily', updatedBy: author }
		});
		expect(
			judgeViewChange({ accountId: 'ada', role: 'admin' }, 'shared', edit('ada'), GLOBAL_VIEW)
		).toMatchObject({ code: 'creator-only' });
		expect(
			judgeViewChange({ accountId: 'nia', role: 'analyst' }, 'shared', edit('nia'), GLOBAL_VIEW)
		).toEqual({
			ok: true
		});
	});

	describe('a subscription’s recipients', () => {
		const view = {
			facts: facts('network-zone', [
				member('ada', 'admin', 'nz'),
				member('nia', 'analyst', 'nz'),
				izMember('ian', 'analyst', 'aurora')
			]),
			viewId: 'global'
		};
		const subscription = (recipients: string[]) => ({
			id: 's1',
			createdBy: 'nia',
			createdAt: 1,
			updatedBy: 'nia',
			updatedAt: 1,
			boardId: 'b1',
			cadence: 'weekly',
			recipients,
			paused: false
		});
		const byNia = { accountId: 'nia', role: 'analyst' } as const;
		const create = (recipients: string[]) =>
			judgeViewChange(
				byNia,
				'shared',
				{ root: 'subscriptions', key: 's1', before: undefined, after: subscription(recipients) },
				view
			);

		it('are people who may read the data view', () => {
			expect(create(['nia@office.example.org', 'ada@office.example.org'])).toEqual({
				ok: true
			});
		});

		it('refuses an address outside the project, saying why', () => {
			expect(create(['nia@office.example.org', 'someone@mail.example.com'])).toEqual({
				ok: false,
				code: 'recipient-without-access',
				message:
					'someone@mail.example.com is not a member of Consortium analytics, so cannot receive boards of the All libraries data view.'
			});
		});

		it('refuses a member whose data views do not include this one, by name', () => {
			expect(create(['ian@aurora.example.edu'])).toEqual({
				ok: false,
				code: 'recipient-without-access',
				message: 'ian cannot read the All libraries data view, so cannot receive its boards.'
			});
		});

		it('counts the other refused addresses', () => {
			expect(
				create(['ian@aurora.example.edu', 'a@mail.example.com', 'b@mail.example.com'])
			).toMatchObject({ message: expect.stringMatching(/The same goes for 2 other addresses/) });
		});

		it('judges the addresses an edit adds, so that its creator can still pause it after someone left', () => {
			const stale = subscription(['nia@office.example.org', 'gone@office.example.org']);
			const edit = (after: Record<string, unknown>) =>
				judgeViewChange(
					byNia,
					'shared',
					{ root: 'subscriptions', key: 's1', before: stale, after },
					view
				);
			expect(edit({ ...stale, paused: true, updatedAt: 2 })).toEqual({ ok: true });
			expect(
				edit({ ...stale, recipients: [...stale.recipients, 'x@mail.example.com'] })
			).toMatchObject({ code: 'recipient-without-access' });
		});

		it('does not stand in the way of ending a subscription', () => {
			const stale = subscription(['gone@office.example.org']);
			expect(
				judgeViewChange(
					byNia,
					'shared',
					{ root: 'subscriptions', key: 's1', before: stale, after: undefined },
					view
				)
			).toEqual({ ok: true });
		});
	});

	it('judges each edited Lexicon field by its own row', () => {
		const entry = {
			id: 'e1',
			createdBy: 'system',
			createdAt: 1,
			updatedBy: 'system',
			updatedAt: 1,
			kind: 'event',
			name: 'Signup',
			description: '',
			hidden: false,
			tags: [],
			lookupTableId: null,
			mergedInto: null
		};
		const edit = (author: string, patch: object) => ({
			root: 'lexicon',
			key: 'e1',
			before: entry,
			after: { ...entry, ...patch, updatedBy: author }
		});
		expect(
			judgeViewChange(
				{ accountId: 'ada', role: 'admin' },
				'shared',
				edit('ada', { tags: ['core'] }),
				GLOBAL_VIEW
			)
		).toEqual({ ok: true });
		expect(
			judgeViewChange(
				{ accountId: 'nia', role: 'analyst' },
				'shared',
				edit('nia', { description: 'x' }),
				GLOBAL_VIEW
			)
		).toMatchObject({
			code: 'role-not-permitted'
		});
		expect(
			judgeViewChange(
				{ accountId: 'ada', role: 'admin' },
				'shared',
				edit('ada', { mergedInto: 'e2' }),
				GLOBAL_VIEW
			)
		).toMatchObject({
			code: 'not-available'
		});
		expect(
			judgeViewChange(
				{ accountId: 'ada', role: 'admin' },
				'shared',
				{
					root: 'lexicon',
					key: 'e1',
					before: entry,
					after: undefined
				},
				GLOBAL_VIEW
			)
		).toMatchObject({ code: 'not-available' });
	});

	it('refuses a creation stamped with another creator', () => {
		const change = {
			root: 'boards',
			key: 'b1',
			before: undefined,
			after: { ...base, id: 'b1', name: 'KPIs', description: '', reports: [] }
		};
		expect(
			judgeViewChange({ accountId: 'nia', role: 'analyst' }, 'shared', change, GLOBAL_VIEW)
		).toMatchObject({
			code: 'author-mismatch'
		});
	});

	it('refuses roots that a private document does not have', () => {
		const change = {
			root: 'boards',
			key: 'b1',
			before: undefined,
			after: { ...base, id: 'b1', name: 'KPIs', description: '', reports: [] }
		};
		expect(
			judgeViewChange({ accountId: 'cora', role: 'consumer' }, 'private', change, GLOBAL_VIEW)
		).toMatchObject({ code: 'server-only' });
	});
});

describe('whether someone may create entries at all', () => {
	const consumer = { accountId: 'cora', role: 'consumer' as const };

	it('sends a Consumer’s custom events to their private space, and refuses what the matrix refuses', () => {
		expect(decideCreation(consumer, 'shared', 'customEvents')).toMatchObject({ code: 'self-only' });
		expect(decideCreation(consumer, 'private', 'customEvents')).toEqual({ ok: true });
		expect(decideCreation(consumer, 'shared', 'userProfiles')).toMatchObject({
			code: 'role-not-permitted'
		});
		expect(decideCreation(consumer, 'shared', 'boards')).toEqual({ ok: true });
		expect(decideCreation({ accountId: 'ada', role: 'admin' }, 'shared', 'lexicon')).toMatchObject({
			code: 'server-only'
		});
		expect(decideCreation(consumer, 'private', 'boards')).toMatchObject({ code: 'server-only' });
	});
});
