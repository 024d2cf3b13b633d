import { describe, expect, it } from 'vitest';
import { JOIN_REQUEST } from '../support/entry-fixtures';
import {
	assignableRoles,
	decideInvite,
	decideJoinRequest,
	decideMemberChange,
	decideRemoval,
	decideRequestDecision,
	decideSubscriptionRequest,
	defaultScope,
	queuedInvite,
	zonesClaimingEmail,
	type Role,
	type Scope
} from '../../src/lib/shared';
import { facts, izMember, member } from '../support/policy-fixtures';

describe('network-zone management', () => {
	const project = facts('network-zone', [
		member('ada', 'admin', 'nz'),
		member('bo', 'admin', 'nz'),
		member('nia', 'analyst', 'nz'),
		izMember('ian', 'analyst', 'aurora'),
		izMember('cora', 'consumer', 'borealis')
	]);

	it('refuses to invite an Institution Zone address as Project Admin', () => {
		expect(
			decideInvite(
				project,
				'ada',
				{
					email: 'new@aurora.example.edu',
					role: 'admin',
					zoneId: 'aurora',
					scope: ['v-aurora']
				},
				project.invitees
			)
		).toMatchObject({ ok: false, code: 'iz-user-cannot-be-admin' });
	});

	it('invites Institution Zone users as Analyst or Consumer, scoped to their own data view', () => {
		expect(
			decideInvite(
				project,
				'ada',
				{
					email: 'new@aurora.example.edu',
					role: 'analyst',
					zoneId: 'aurora',
					scope: ['v-aurora']
				},
				project.invitees
			)
		).toEqual({ ok: true });
		expect(
			decideInvite(
				project,
				'ada',
				{
					email: 'new@aurora.example.edu',
					role: 'consumer',
					zoneId: 'aurora',
					scope: ['v-borealis']
				},
				project.invitees
			)
		).toMatchObject({ ok: false, code: 'iz-user-scope' });
		expect(
			decideInvite(
				project,
				'ada',
				{
					email: 'new@aurora.example.edu',
					role: 'consumer',
					zoneId: 'aurora',
					scope: 'all'
				},
				project.invitees
			)
		).toMatchObject({ ok: false, code: 'iz-user-scope' });
	});

	it('makes Network Zone members Project Admins, who see every data view', () => {
		expect(
			decideMemberChange(project, 'ada', project.member('nia')!, {
				role: 'admin',
				zoneId: 'nz',
				scope: 'all'
			})
		).toEqual({
			ok: true
		});
		expect(
			decideMemberChange(project, 'ada', project.member('nia')!, {
				role: 'admin',
				zoneId: 'nz',
				scope: ['global']
			})
		).toMatchObject({ code: 'admin-scope' });
	});

	it('refuses to promote an Institution Zone user to Project Admin, whoever asks', () => {
		expect(
			decideMemberChange(project, 'ada', project.member('ian')!, {
				role: 'admin',
				zoneId: 'aurora',
				scope: ['v-aurora']
			})
		).toMatchObject({ ok: false, code: 'iz-user-cannot-be-admin' });
		expect(
			decideMemberChange(project, 'ian', project.member('ian')!, {
				role: 'admin',
				zoneId: 'aurora',
				scope: ['v-aurora']
			})
		).toMatchObject({ ok: false, code: 'admin-only' });
	});

	it('refuses to remove or demote another Project Admin, naming who can and the way to ask', () => {
		const because = {
			ok: false,
			code: 'admin-protected',
			message: expect.stringMatching(
				/^Only bo can give up their Project Admin role, by stepping down or leaving: a Project Admin cannot (remove|demote) another Project Admin, only users below Admin\. Ask bo with a hand-over request\.$/
			)
		};
		expect(
			decideMemberChange(project, 'ada', project.member('bo')!, {
				role: 'analyst',
				zoneId: 'nz',
				scope: 'all'
			})
		).toEqual(because);
		expect(decideRemoval(project, 'ada', project.member('bo')!)).toEqual(because);
	});

	it('lets a Project Admin step down or leave while another admin remains', () => {
		expect(
			decideMemberChange(project, 'bo', project.member('bo')!, {
				role: 'consumer',
				zoneId: 'nz',
				scope: 'all'
			})
		).toEqual({ ok: true });
		expect(decideRemoval(project, 'bo', project.member('bo')!)).toEqual({ ok: true });
	});

	it('queues a new invitation with the data views its zone sees by default, Project Admins every one', () => {
		const invite = (role: Role, zoneId: string) =>
			queuedInvite(project, { id: 'i1', email: 'New@Aurora.example.edu', role, zoneId }, 'ada', 5);
		expect(invite('analyst', 'aurora')).toMatchObject({
			email: 'new@aurora.example.edu',
			scope: defaultScope(project, 'aurora'),
			invitedBy: 'ada',
			invitedAt: 5,
			sendRequests: 1,
			status: 'queued',
			sentAt: null
		});
		expect(defaultScope(project, 'aurora')).not.toBe('all');
		expect(invite('admin', 'nz').scope).toBe('all');
		expect(decideInvite(project, 'ada', invite('analyst', 'aurora'), project.invitees)).toEqual({
			ok: true
		});
	});

	it('offers only the roles the zone allows', () => {
		expect(assignableRoles(project, 'ada', 'aurora', defaultScope(project, 'aurora'))).toEqual([
			'analyst',
			'consumer'
		]);
		expect(assignableRoles(project, 'ada', 'nz', defaultScope(project, 'nz'))).toEqual([
			'admin',
			'analyst',
			'consumer'
		]);
		expect(assignableRoles(project, 'nia', 'nz', 'all')).toEqual([]);
	});

	it('refuses requests: the Network Zone manages every account', () => {
		expect(decideJoinRequest(project, { accountId: 'zed', zoneId: 'nz' }, 'analyst')).toMatchObject(
			{
				code: 'requests-need-institution-mode'
			}
		);
	});

	it('keeps people below Admin from managing users', () => {
		expect(decideRemoval(project, 'nia', project.member('cora')!)).toMatchObject({
			code: 'admin-only'
		});
		expect(
			decideInvite(
				project,
				'ian',
				{
					email: 'x@aurora.example.edu',
					role: 'consumer',
					zoneId: 'aurora',
					scope: ['v-aurora']
				},
				project.invitees
			)
		).toMatchObject({ code: 'admin-only' });
		expect(
			decideInvite(
				project,
				'stranger',
				{
					email: 'x@office.example.org',
					role: 'consumer',
					zoneId: 'nz',
					scope: 'all'
				},
				project.invitees
			)
		).toMatchObject({ code: 'not-a-member' });
	});

	it('refuses to invite someone who is already a member', () => {
		expect(
			decideInvite(
				project,
				'ada',
				{
					email: 'NIA@office.example.org',
					role: 'consumer',
					zoneId: 'nz',
					scope: 'all'
				},
				project.invitees
			)
		).toMatchObject({ code: 'already-member' });
	});
});

describe('institution-zone management', () => {
	const project = facts('institution-zone', [
		member('ava', 'admin', 'aurora'),
		member('nadia', 'admin', 'nz'),
		member('al', 'analyst', 'aurora'),
		member('carl', 'consumer', 'aurora')
	]);

	it('refuses to remove or demote another Project Admin', () => {
		expect(decideRemoval(project, 'ava', project.member('nadia')!)).toMatchObject({
			code: 'admin-protected'
		});
		expect(
			decideMemberChange(project, 'ava', project.member('nadia')!, {
				role: 'analyst',
				zoneId: 'nz',
				scope: 'all'
			})
		).toMatchObject({ code: 'admin-protected' });
	});

	it('lets a Project Admin remove or demote users below Admin', () => {
		expect(decideRemoval(project, 'ava', project.member('al')!)).toEqual({ ok: true });
		expect(
			decideMemberChange(project, 'ava', project.member('al')!, {
				role: 'consumer',
				zoneId: 'aurora',
				scope: 'all'
			})
		).toEqual({
			ok: true
		});
	});

	it('lets an admin step down or leave while another admin remains', () => {
		expect(
			decideMemberChange(project, 'ava', project.member('ava')!, {
				role: 'analyst',
				zoneId: 'aurora',
				scope: 'all'
			})
		).toEqual({
			ok: true
		});
		expect(decideRemoval(project, 'nadia', project.member('nadia')!)).toEqual({ ok: true });
	});

	it('keeps at least one Project Admin', () => {
		const alone = facts('institution-zone', [
			member('ava', 'admin', 'aurora'),
			member('al', 'analyst', 'aurora')
		]);
		expect(decideRemoval(alone, 'ava', alone.member('ava')!)).toMatchObject({ code: 'last-admin' });
		expect(
			decideMemberChange(alone, 'ava', alone.member('ava')!, {
				role: 'consumer',
				zoneId: 'aurora',
				scope: 'all'
			})
		).toMatchObject({
			code: 'last-admin'
		});
	});

	it('makes its own Institution Zone users Project Admins', () => {
		expect(
			decideMemberChange(project, 'ava', project.member('al')!, {
				role: 'admin',
				zoneId: 'aurora',
				scope: 'all'
			})
		).toEqual({
			ok: true
		});
	});

	it('admits people of the owning Institution Zone and the Network Zone only', () => {
		expect(
			decideInvite(
				project,
				'ava',
				{
					email: 'b@borealis.example.edu',
					role: 'consumer',
					zoneId: 'borealis',
					scope: 'all'
				},
				project.invitees
			)
		).toMatchObject({ code: 'zone-not-in-project' });
		expect(
			decideInvite(
				project,
				'ava',
				{
					email: 'n@office.example.org',
					role: 'admin',
					zoneId: 'nz',
					scope: 'all'
				},
				project.invitees
			)
		).toEqual({
			ok: true
		});
	});

	it('lets Network Zone users request to join as Admin, Analyst or Consumer', () => {
		for (const role of ['admin', 'analyst', 'consumer'] as const) {
			expect(decideJoinRequest(project, { accountId: 'zed', zoneId: 'nz' }, role)).toEqual({
				ok: true
			});
		}
		expect(decideSubscriptionRequest(project, { accountId: 'zed', zoneId: 'nz' })).toEqual({
			ok: true
		});
	});

	it('takes requests from Network Zone users only, and not from members', () => {
		expect(
			decideJoinRequest(project, { accountId: 'bea', zoneId: 'borealis' }, 'consumer')
		).toMatchObject({
			code: 'requester-not-network-zone'
		});
		expect(
			decideSubscriptionRequest(project, { accountId: 'bea', zoneId: 'aurora' })
		).toMatchObject({
			code: 'requester-not-network-zone'
		});
		expect(
			decideJoinRequest(project, { accountId: 'nadia', zoneId: 'nz' }, 'analyst')
		).toMatchObject({
			code: 'already-member'
		});
	});
});

describe('the zone of an invited address', () => {
	const invite = (
		project: ReturnType<typeof facts>,
		actorId: string,
		email: string,
		zoneId: string,
		role: Role = 'admin',
		scope: Scope = 'all'
	) => decideInvite(project, actorId, { email, role, zoneId, scope }, project.invitees);

	describe('in network-zone management', () => {
		const project = facts('network-zone', [member('ada', 'admin', 'nz')], {
			'ivy@example.net': ['aurora'],
			'nell@aurora.example.edu': ['nz']
		});

		it('refuses an Institution Zone address in the Network Zone, as Admin or any role', () => {
			expect(invite(project, 'ada', 'dean@aurora.example.edu', 'nz')).toEqual({
				ok: false,
				code: 'zone-does-not-match-email',
				message:
					'dean@aurora.example.edu belongs to Aurora (Institution Zone): invite them into that zone.'
			});
			expect(invite(project, 'ada', 'dean@aurora.example.edu', 'nz', 'consumer')).toMatchObject({
				code: 'zone-does-not-match-email'
			});
			expect(
				invite(project, 'ada', 'dean@aurora.example.edu', 'aurora', 'analyst', ['v-aurora'])
			).toEqual({ ok: true });
		});

		it('matches domains without regard to case, and their subdomains, but not look-alikes', () => {
			expect(invite(project, 'ada', 'Dean@MAIL.Aurora.Example.EDU', 'nz')).toMatchObject({
				code: 'zone-does-not-match-email'
			});
			expect(invite(project, 'ada', 'dean@notaurora.example.edu', 'nz')).toEqual({
				ok: true
			});
			expect(invite(project, 'ada', 'dean@aurora.example.edu.evil.net', 'nz')).toEqual({
				ok: true
			});
		});

		it('follows what the server knows of a person at a domain no zone claims', () => {
			expect(invite(project, 'ada', 'ivy@example.net', 'nz')).toMatchObject({
				code: 'zone-does-not-match-email',
				message: expect.stringContaining('Aurora (Institution Zone)')
			});
			expect(invite(project, 'ada', 'ivy@example.net', 'aurora', 'analyst', ['v-aurora'])).toEqual({
				ok: true
			});
		});

		it('keeps a claimed domain in its zone, whatever a record says of the person', () => {
			expect(invite(project, 'ada', 'nell@aurora.example.edu', 'nz')).toMatchObject({
				code: 'zone-does-not-match-email'
			});
		});
	});

	describe('in institution-zone management', () => {
		const project = facts('institution-zone', [member('ava', 'admin', 'aurora')]);

		it('refuses another Institution Zone address invited as a Network Zone user', () => {
			expect(invite(project, 'ava', 'bea@borealis.example.edu', 'nz')).toMatchObject({
				code: 'zone-does-not-match-email',
				message: expect.stringContaining('Borealis (Institution Zone)')
			});
		});

		it('keeps Network Zone and Institution Zone addresses in their own zones', () => {
			expect(invite(project, 'ava', 'nadine@office.example.org', 'aurora')).toMatchObject({
				code: 'zone-does-not-match-email'
			});
			expect(invite(project, 'ava', 'nadine@office.example.org', 'nz')).toEqual({
				ok: true
			});
			expect(invite(project, 'ava', 'al@aurora.example.edu', 'aurora')).toEqual({
				ok: true
			});
		});

		describe('an address at a domain no zone lists', () => {
			const withOffice = facts(
				'institution-zone',
				[member('ava', 'admin', 'aurora'), member('nadia', 'admin', 'nz')],
				{ 'known@example.net': ['nz'] }
			);

			it('goes only into the inviter’s own zone, naming it', () => {
				expect(invite(withOffice, 'ava', 'ivy@example.net', 'aurora')).toEqual({ ok: true });
				expect(invite(withOffice, 'ava', 'ivy@example.net', 'nz')).toEqual({
					ok: false,
					code: 'unlisted-domain',
					message:
						'ivy@example.net is at a domain that no zone of Northern Lights lists: you can invite them only into your own zone, Aurora (Institution Zone).'
				});
				expect(invite(withOffice, 'nadia', 'ivy@example.net', 'nz')).toEqual({ ok: true });
				expect(invite(withOffice, 'nadia', 'ivy@example.net', 'aurora')).toMatchObject({
					code: 'unlisted-domain',
					message: expect.stringContaining('your own zone, Office (Network Zone)')
				});
			});

			it('follows what the server knows of the person instead', () => {
				expect(invite(withOffice, 'ava', 'known@example.net', 'nz')).toEqual({ ok: true });
				expect(invite(withOffice, 'nadia', 'known@example.net', 'aurora')).toMatchObject({
					code: 'zone-does-not-match-email'
				});
			});
		});
	});

	it('lets a Network Zone admin of network-zone management say which zone an unlisted address belongs to', () => {
		const project = facts('network-zone', [member('ada', 'admin', 'nz')]);
		expect(invite(project, 'ada', 'ivy@example.net', 'nz')).toEqual({ ok: true });
		expect(invite(project, 'ada', 'ivy@example.net', 'aurora', 'analyst', ['v-aurora'])).toEqual({
			ok: true
		});
	});

	it('lets the most specific domain claim an address', () => {
		const zones = [
			{ id: 'nz', emailDomains: ['example.org'] },
			{ id: 'lib', emailDomains: ['Lib.Example.org'] }
		];
		expect(zonesClaimingEmail(zones, 'a@lib.example.org').map((zone) => zone.id)).toEqual(['lib']);
		expect(zonesClaimingEmail(zones, 'a@staff.example.org').map((zone) => zone.id)).toEqual(['nz']);
		expect(zonesClaimingEmail(zones, 'a@example.com')).toEqual([]);
	});
});

describe('deciding a request', () => {
	const project = facts('institution-zone', [member('ava', 'admin', 'aurora')]);
	const request = JOIN_REQUEST;

	it('denies only with a reason, and approves without one', () => {
		for (const decisionReason of [null, '', '   ']) {
			expect(
				decideRequestDecision(project, 'ava', request, { status: 'denied', decisionReason })
			).toMatchObject({ ok: false, code: 'reason-required' });
		}
		expect(
			decideRequestDecision(project, 'ava', request, {
				status: 'denied',
				decisionReason: 'We add NZ staff as Analysts only'
			})
		).toEqual({ ok: true });
		expect(
			decideRequestDecision(project, 'ava', request, { status: 'approved', decisionReason: null })
		).toEqual({ ok: true });
	});
});
