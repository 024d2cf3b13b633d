/**
 * Bad input to every public entry point of the policy: a denial with a stable reason, never a
 * crash and never an allow. Messenger is read as Consumer wherever a role is read.
 */
import { describe, expect, it } from 'vitest';
import { JOIN_REQUEST } from '../support/entry-fixtures';
import {
	assignableRoles,
	checkAssignment,
	checkInviteeZone,
	checkPermission,
	decideInvite,
	decideJoinRequest,
	decideMemberChange,
	decideRemoval,
	decideRequestDecision,
	decideSubscriptionRequest,
	defaultScope,
	judgeProjectChange,
	judgeViewChange,
	type Decision
} from '../../src/lib/shared';
import { GLOBAL_VIEW, facts, izMember, member } from '../support/policy-fixtures';

const network = facts('network-zone', [
	member('ada', 'admin', 'nz'),
	member('bo', 'admin', 'nz'),
	member('nia', 'analyst', 'nz'),
	izMember('ian', 'analyst', 'aurora')
]);
const institution = facts('institution-zone', [
	member('ava', 'admin', 'aurora'),
	member('al', 'analyst', 'aurora')
]);
const nia = network.member('nia')!;
const pending = JOIN_REQUEST;

/** Untyped input, as it may arrive from a document, a request or a form. */
const bad = (value: unknown) => value as never;

const cases: Array<[string, () => Decision, string]> = [
	[
		'checkAssignment, unknown role',
		() => checkAssignment(network, { role: bad('owner'), zoneId: 'nz', scope: 'all' }),
		'unknown-role'
	],
	[
		'checkAssignment, malformed scope',
		() => checkAssignment(network, { role: 'analyst', zoneId: 'nz', scope: bad('everything') }),
		'invalid-entry'
	],
	[
		'checkAssignment, empty scope',
		() => checkAssignment(network, { role: 'analyst', zoneId: 'nz', scope: [] as never }),
		'invalid-entry'
	],
	[
		'checkAssignment, no zone',
		() => checkAssignment(network, bad({ role: 'analyst', scope: 'all' })),
		'invalid-entry'
	],
	['checkAssignment, nothing', () => checkAssignment(network, bad(undefined)), 'invalid-entry'],
	[
		'decideInvite, unknown role',
		() =>
			decideInvite(
				network,
				'ada',
				{ email: 'x@office.example.org', role: bad('owner'), zoneId: 'nz', scope: 'all' },
				network.invitees
			),
		'unknown-role'
	],
	[
		'decideInvite, malformed scope',
		() =>
			decideInvite(
				network,
				'ada',
				{ email: 'x@office.example.org', role: 'analyst', zoneId: 'nz', scope: bad(42) },
				network.invitees
			),
		'invalid-entry'
	],
	[
		'decideInvite, not an address',
		() =>
			decideInvite(
				network,
				'ada',
				{ email: 'not-an-address', role: 'analyst', zoneId: 'nz', scope: 'all' },
				network.invitees
			),
		'invalid-entry'
	],
	[
		'decideInvite, nothing',
		() => decideInvite(network, 'ada', bad(null), network.invitees),
		'invalid-entry'
	],
	[
		'decideMemberChange, unknown role',
		() =>
			decideMemberChange(network, 'ada', nia, { role: bad('owner'), zoneId: 'nz', scope: 'all' }),
		'unknown-role'
	],
	[
		'decideMemberChange, malformed scope',
		() =>
			decideMemberChange(network, 'ada', nia, { role: 'analyst', zoneId: 'nz', scope: bad({}) }),
		'invalid-entry'
	],
	[
		'decideMemberChange, no target',
		() =>
			decideMemberChange(network, 'ada', bad(undefined), {
				role: 'consumer',
				zoneId: 'nz',
				scope: 'all'
			}),
		'invalid-entry'
	],
	[
		'decideMemberChange, a target with an unknown role',
		() =>
			decideMemberChange(
				network,
				'ada',
				{ ...nia, role: bad('owner') },
				{
					role: 'consumer',
					zoneId: 'nz',
					scope: 'all'
				}
			),
		'unknown-role'
	],
	[
		'decideMemberChange, no change',
		() => decideMemberChange(network, 'ada', nia, bad(undefined)),
		'invalid-entry'
	],
	[
		'decideRemoval, no target',
		() => decideRemoval(network, 'ada', bad(undefined)),
		'invalid-entry'
	],
	[
		'decideRemoval, a malformed target',
		() => decideRemoval(network, 'ada', bad({ accountId: 'nia' })),
		'invalid-entry'
	],
	[
		'decideJoinRequest, unknown role',
		() => decideJoinRequest(institution, { accountId: 'zed', zoneId: 'nz' }, bad('owner')),
		'unknown-role'
	],
	[
		'decideJoinRequest, no requester',
		() => decideJoinRequest(institution, bad(undefined), 'analyst'),
		'invalid-entry'
	],
	[
		'decideSubscriptionRequest, a malformed requester',
		() => decideSubscriptionRequest(institution, bad({ accountId: 'zed' })),
		'invalid-entry'
	],
	[
		'decideRequestDecision, a malformed request',
		() =>
			decideRequestDecision(institution, 'ava', bad({ id: 'r1' }), {
				status: 'approved',
				decisionReason: null
			}),
		'invalid-entry'
	],
	[
		'decideRequestDecision, a request with an unknown role',
		() =>
			decideRequestDecision(
				institution,
				'ava',
				{ ...pending, role: bad('owner') },
				{
					status: 'approved',
					decisionReason: null
				}
			),
		'unknown-role'
	],
	[
		'decideRequestDecision, neither approved nor denied',
		() =>
			decideRequestDecision(institution, 'ava', pending, {
				status: 'pending',
				decisionReason: null
			}),
		'invalid-entry'
	],
	[
		'checkInviteeZone, not an address',
		() => checkInviteeZone(network, network.invitees, bad(undefined), 'nz'),
		'invalid-entry'
	],
	[
		'checkPermission, unknown role',
		() => checkPermission({ role: 'owner', action: 'board.createView' }),
		'unknown-role'
	],
	[
		'judgeProjectChange, an invitation with an unknown role',
		() =>
			judgeProjectChange(
				network,
				'ada',
				{ root: 'invites', key: 'i', before: undefined, after: { id: 'i', role: 'owner' } },
				network.invitees
			),
		'invalid-entry'
	],
	[
		'judgeViewChange, a malformed entry',
		() =>
			judgeViewChange(
				{ accountId: 'ada', role: 'admin' },
				'shared',
				{
					root: 'boards',
					key: 'b',
					before: undefined,
					after: { id: 'b' }
				},
				GLOBAL_VIEW
			),
		'invalid-entry'
	]
];

describe('bad input to the policy', () => {
	it.each(cases)('%s: denied with a reason', (_, decide, code) => {
		const decision = decide();
		expect(decision).toMatchObject({ ok: false, code });
		expect((decision as { message: string }).message).not.toBe('');
	});

	it('answers the UI helpers with nothing offered rather than a crash', () => {
		expect(assignableRoles(network, 'ada', 'nz', bad('everything'))).toEqual([]);
		expect(assignableRoles(network, 'ada', bad(undefined), 'all')).toEqual([]);
		expect(defaultScope(network, bad(undefined))).toBe('all');
	});
});

describe('Messenger is Consumer at every entry point', () => {
	it('invites, assigns, changes and asks as Consumer', () => {
		const messenger = bad('messenger');
		expect(checkAssignment(network, { role: messenger, zoneId: 'nz', scope: 'all' })).toEqual({
			ok: true
		});
		expect(
			decideInvite(
				network,
				'ada',
				{ email: 'x@office.example.org', role: messenger, zoneId: 'nz', scope: 'all' },
				network.invitees
			)
		).toEqual({ ok: true });
		// An Institution Zone user steps down from Analyst to Messenger, i.e. Consumer, on their own.
		expect(
			decideMemberChange(network, 'ian', network.member('ian')!, {
				role: messenger,
				zoneId: 'aurora',
				scope: ['v-aurora']
			})
		).toEqual({ ok: true });
		// Nia may not raise herself: Messenger is below Analyst, so this is stepping down...
		expect(
			decideMemberChange(network, 'nia', nia, { role: messenger, zoneId: 'nz', scope: 'all' })
		).toEqual({ ok: true });
		// ...and a Consumer named Messenger in a stored entry is still below Analyst.
		expect(
			decideMemberChange(
				network,
				'nia',
				{ ...nia, role: messenger },
				{
					role: 'analyst',
					zoneId: 'nz',
					scope: 'all'
				}
			)
		).toMatchObject({ code: 'admin-only' });
		expect(decideJoinRequest(institution, { accountId: 'zed', zoneId: 'nz' }, messenger)).toEqual({
			ok: true
		});
	});
});
