/**
 * The rules of offboarding a library, as pure functions: that nobody can be added to a zone whose
 * library left, what a plan ends and keeps, which project refuses it, and when an apply may go
 * ahead.
 */
import { describe, expect, it } from 'vitest';
import {
	checkOffboardingApply,
	decideInvite,
	factsFromSnapshot,
	inviteesFrom,
	planOffboarding,
	type OffboardingFacts,
	type Member
} from '../../src/lib/shared';
import {
	INSTITUTION_VIEWS,
	NETWORK_VIEWS,
	ZONES,
	facts,
	izMember,
	member,
	projectInfo
} from '../support/policy-fixtures';

describe('a zone whose library left', () => {
	it('takes nobody new, by invitation or otherwise', () => {
		const zones = ZONES.map((zone) => (zone.id === 'aurora' ? { ...zone, leftAt: 5 } : zone));
		const project = factsFromSnapshot({
			project: projectInfo('network-zone'),
			zones,
			views: NETWORK_VIEWS,
			members: [member('ada', 'admin', 'nz')]
		});
		const invite = {
			email: 'new@aurora.example.edu',
			role: 'analyst' as const,
			zoneId: 'aurora',
			scope: ['v-aurora']
		};
		expect(
			decideInvite(
				project,
				'ada',
				invite,
				inviteesFrom(() => zones)
			)
		).toMatchObject({
			ok: false,
			code: 'zone-left',
			message: 'Aurora has left the consortium: nobody can be added to it.'
		});
		const before = facts('network-zone', [member('ada', 'admin', 'nz')]);
		expect(decideInvite(before, 'ada', invite, before.invitees)).toEqual({ ok: true });
	});
});

function offboardingFacts(
	members: Member[],
	changes: Partial<OffboardingFacts> = {}
): OffboardingFacts {
	const now = 1;
	const subscription = (id: string, createdBy: string, recipients: string[]) => ({
		id,
		createdBy,
		createdAt: now,
		updatedBy: createdBy,
		updatedAt: now,
		boardId: 'b',
		cadence: 'weekly' as const,
		recipients,
		paused: false
	});
	return {
		consortium: { id: 'c1', name: 'Northern Lights', mode: 'network-zone' },
		zone: ZONES[1]!,
		people: members
			.filter((m) => m.zoneId === 'aurora')
			.map(({ accountId, name, email }) => ({ accountId, name, email })),
		projects: [
			{
				project: projectInfo('network-zone'),
				zone: ZONES[1],
				views: NETWORK_VIEWS,
				members,
				invites: [],
				requests: [],
				handovers: []
			}
		],
		subscriptions: [
			{
				projectId: 'p-network',
				viewId: 'global',
				viewName: 'All',
				subscription: subscription('kept', 'ada', ['ada@office.example.org']),
				boardName: 'B'
			},
			{
				projectId: 'p-network',
				viewId: 'global',
				viewName: 'All',
				subscription: subscription('trim', 'ada', [
					'ada@office.example.org',
					'IAN@aurora.example.edu'
				]),
				boardName: 'B'
			},
			{
				projectId: 'p-network',
				viewId: 'v-aurora',
				viewName: 'Aurora',
				subscription: subscription('data', 'ada', ['ada@office.example.org']),
				boardName: null
			}
		],
		portals: [
			{ portalId: 'theirs', name: 'Aurora Portal', createdBy: 'ian' },
			{ portalId: 'office', name: 'Office Portal', createdBy: null }
		],
		grants: [
			{ portalId: 'theirs', portalName: 'Aurora Portal', accountId: 'ian' },
			{ portalId: 'office', portalName: 'Office Portal', accountId: 'ian' }
		],
		unfinished: null,
		leftAt: null,
		...changes
	};
}

describe('the plan of an offboarding', () => {
	it('ends what shows the library’s data or goes only to its people, trims the rest, keeps its views', () => {
		const plan = planOffboarding(
			offboardingFacts([member('ada', 'admin', 'nz'), izMember('ian', 'analyst', 'aurora')])
		);
		const [project] = plan.projects;
		expect(project!.memberships.map((m) => m.accountId)).toEqual(['ian']);
		expect(project!.subscriptions.map((s) => [s.subscriptionId, s.outcome, s.recipients])).toEqual([
			['trim', 'trim', ['IAN@aurora.example.edu']],
			['data', 'end', []]
		]);
		expect(project!.subscriptions[1]!.boardName).toBe('a deleted board');
		expect(project!.keptViews).toEqual([{ viewId: 'v-aurora', viewName: 'Aurora' }]);
		// Its own portal is revoked (which takes every consent to it); its consents elsewhere go.
		expect(plan.portals.map((p) => p.portalId)).toEqual(['theirs']);
		expect(plan.grants.map((g) => g.portalId)).toEqual(['office']);
		expect(plan.refusals).toEqual([]);
		expect(plan.counts).toMatchObject({
			memberships: 1,
			subscriptionsEnded: 1,
			subscriptionsTrimmed: 1,
			portals: 1,
			grants: 1
		});
	});

	it('refuses a project whose Project Admins are all of the library', () => {
		const aurora = offboardingFacts([member('iza', 'admin', 'aurora')]);
		const ownProject = {
			...aurora,
			projects: [
				{
					...aurora.projects[0]!,
					project: projectInfo('institution-zone'),
					views: INSTITUTION_VIEWS
				}
			],
			subscriptions: []
		};
		const plan = planOffboarding(ownProject);
		expect(plan.refusals).toEqual([
			expect.objectContaining({ code: 'last-admin', projectId: 'p-aurora' })
		]);
		const check = checkOffboardingApply(
			{ ...plan, fingerprint: 'f' },
			{ fingerprint: 'f', confirmation: 'Aurora' }
		);
		expect(check).toMatchObject({ ok: false, code: 'offboarding-refused' });
	});

	it('is applied only as previewed, and confirmed by the library’s name', () => {
		const plan = {
			...planOffboarding(offboardingFacts([member('ada', 'admin', 'nz')])),
			fingerprint: 'f'
		};
		expect(checkOffboardingApply(plan, { fingerprint: 'g', confirmation: 'Aurora' })).toMatchObject(
			{ code: 'offboarding-changed' }
		);
		expect(checkOffboardingApply(plan, { fingerprint: 'f', confirmation: 'Auror' })).toMatchObject({
			code: 'confirmation-mismatch'
		});
		expect(checkOffboardingApply(plan, { fingerprint: 'f', confirmation: '' })).toMatchObject({
			code: 'confirmation-mismatch'
		});
		expect(checkOffboardingApply(plan, { fingerprint: 'f', confirmation: ' AURORA ' })).toEqual({
			ok: true
		});
	});
});
