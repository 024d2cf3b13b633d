import { describe, expect, it } from 'vitest';
import {
	invitePermissions,
	inviteRoleChoices,
	inviteStanding,
	memberPermissions,
	ownerZoneWarning
} from '../../src/lib/member-permissions';
import type { Invite } from '../../src/lib/shared';
import { NETWORK_VIEWS, ZONES, facts as projectFacts, member } from '../support/policy-fixtures';

const admin = member('admin', 'admin', 'nz');
const analyst = member('iz-analyst', 'analyst', 'aurora', ['v-aurora']);
const facts = projectFacts('network-zone', [admin, analyst]);

function invite(overrides: Partial<Invite> = {}): Invite {
	return {
		id: 'i1',
		email: 'new@aurora.example.edu',
		role: 'analyst',
		zoneId: 'aurora',
		scope: ['v-aurora'],
		invitedBy: 'admin',
		invitedAt: 1,
		sendRequests: 1,
		status: 'sent',
		sentAt: 2,
		expiresAt: 3,
		acceptedAt: null,
		failure: null,
		...overrides
	};
}

describe('the policy in the components’ shapes', () => {
	it('offers an Institution Zone member every role but Project Admin, with the reason', () => {
		const permissions = memberPermissions(facts, 'admin', analyst);
		expect(permissions.canChangeRole).toEqual({ ok: true });
		expect(permissions.roleChoices.allowed).toEqual(['analyst', 'consumer']);
		expect(permissions.roleChoices.reasons?.admin).toMatch(
			/Institution Zone users cannot be Project Admin/
		);
		expect(permissions.canRemove).toEqual({ ok: true });
	});

	it('keeps the last Project Admin from stepping down or leaving, saying why', () => {
		const permissions = memberPermissions(facts, 'admin', admin);
		expect(permissions.canChangeRole).toEqual({
			ok: false,
			message: 'A project always keeps at least one Project Admin.'
		});
		expect(permissions.canRemove).toMatchObject({ ok: false, code: 'last-admin' });
	});

	it('offers a choice of data views only where the rules leave one, to a Project Admin', () => {
		const nils = member('nils', 'analyst', 'nz');
		const withNils = projectFacts('network-zone', [admin, analyst, nils]);
		const choices = memberPermissions(withNils, 'admin', nils, [], NETWORK_VIEWS).viewChoices;
		expect(choices?.(['v-aurora'])).toEqual({ ok: true });
		expect(choices?.([])).toMatchObject({ ok: false, code: 'invalid-entry' });
		// An Aurora user sees Aurora's view only; a Project Admin sees every view; nobody else chooses.
		expect(memberPermissions(withNils, 'admin', analyst, [], NETWORK_VIEWS).viewChoices).toBeNull();
		expect(memberPermissions(withNils, 'admin', admin, [], NETWORK_VIEWS).viewChoices).toBeNull();
		expect(memberPermissions(withNils, 'nils', nils, [], NETWORK_VIEWS).viewChoices).toBeNull();
		// One data view: nothing to choose.
		expect(
			memberPermissions(withNils, 'admin', nils, [], [NETWORK_VIEWS[0]!]).viewChoices
		).toBeNull();
	});

	it('lets only Project Admins invite, whatever the zone', () => {
		expect(inviteRoleChoices(facts, 'iz-analyst', 'new@office.example.org', 'nz')).toMatchObject({
			allowed: [],
			reasons: { admin: 'Only Project Admins can manage the users of a project.' }
		});
		expect(inviteRoleChoices(facts, 'admin', 'new@office.example.org', 'nz').allowed).toEqual([
			'admin',
			'analyst',
			'consumer'
		]);
		expect(inviteRoleChoices(facts, 'admin', 'new@aurora.example.edu', 'aurora')).toMatchObject({
			allowed: ['analyst', 'consumer'],
			reasons: { admin: expect.stringMatching(/Institution Zone users cannot be Project Admin/) }
		});
	});

	it('leaves out a member and someone already invited, saying so', () => {
		expect(inviteStanding(facts, 'admin', [], ZONES, analyst.email)).toEqual({
			kind: 'skipped',
			why: 'member',
			message: `${analyst.email} is already a member of this project.`
		});
		expect(
			inviteStanding(facts, 'admin', [invite()], ZONES, 'new@aurora.example.edu')
		).toMatchObject({
			kind: 'skipped',
			why: 'invited',
			message: expect.stringMatching(/already invited: use Resend Invitation/)
		});
		expect(
			inviteStanding(
				facts,
				'admin',
				[invite({ status: 'accepted' })],
				ZONES,
				'new@aurora.example.edu'
			)
		).toEqual({ kind: 'zoned', zoneId: 'aurora' });
	});

	it('places each address in the zone of its own domain, whatever the others are', () => {
		const standing = (address: string) => inviteStanding(facts, 'admin', [], ZONES, address);
		expect(standing('dean@aurora.example.edu')).toEqual({ kind: 'zoned', zoneId: 'aurora' });
		expect(standing('bea@mail.borealis.example.edu')).toEqual({
			kind: 'zoned',
			zoneId: 'borealis'
		});
		expect(standing('nils@office.example.org')).toEqual({ kind: 'zoned', zoneId: 'nz' });
	});

	it('asks for the zone of an address no zone claims, offering those the inviter answers for', () => {
		expect(inviteStanding(facts, 'admin', [], ZONES, 'caleb@cove.example.org')).toEqual({
			kind: 'choose',
			why: 'unlisted',
			domain: 'cove.example.org',
			zoneIds: ['nz', 'aurora', 'borealis'],
			limit: null
		});
		const library = projectFacts('institution-zone', [
			member('ava', 'admin', 'aurora'),
			member('nadia', 'admin', 'nz')
		]);
		expect(inviteStanding(library, 'ava', [], ZONES, 'caleb@cove.example.org')).toMatchObject({
			kind: 'choose',
			zoneIds: ['aurora'],
			limit:
				'caleb@cove.example.org is at a domain that no zone of Northern Lights lists: you can invite them only into your own zone, Aurora (Institution Zone).'
		});
		expect(inviteStanding(library, 'nadia', [], ZONES, 'caleb@cove.example.org')).toMatchObject({
			kind: 'choose',
			zoneIds: ['nz']
		});
	});

	it('refuses, with the policy’s reason, an address whose zone is not part of the project', () => {
		const library = projectFacts('institution-zone', [member('ava', 'admin', 'aurora')]);
		expect(inviteStanding(library, 'ava', [], ZONES, 'bea@borealis.example.edu')).toEqual({
			kind: 'refused',
			message:
				'In Institution Zone management only people of Aurora (Institution Zone) and the Network Zone can be members of this project.'
		});
	});

	it('lets a Project Admin resend and revoke an open invitation, but not an accepted one', () => {
		expect(invitePermissions(facts, 'admin', invite())).toEqual({
			canResend: { ok: true },
			canRevoke: { ok: true },
			canCopyLink: { ok: true }
		});
		const accepted = invitePermissions(
			facts,
			'admin',
			invite({ status: 'accepted', acceptedAt: 4 })
		);
		expect(accepted.canResend).toMatchObject({ ok: false, code: 'invite-accepted' });
		expect(accepted.canRevoke).toMatchObject({ ok: false });
		expect(accepted.canCopyLink).toMatchObject({ ok: false, code: 'invite-accepted' });
		expect(invitePermissions(facts, 'iz-analyst', invite()).canResend).toMatchObject({
			ok: false,
			code: 'admin-only'
		});
	});
});

describe('Project Admins and hand-over requests, in the components’ shapes', () => {
	// Aurora's own project: ava of Aurora, nadia and nils of the Network Zone (Office).
	const ava = member('ava', 'admin', 'aurora');
	const nadia = member('nadia', 'admin', 'nz');
	const nils = member('nils', 'admin', 'nz');
	const al = member('al', 'analyst', 'aurora');
	const library = projectFacts('institution-zone', [ava, nadia, al]);

	it('offers to ask another Project Admin, nobody else, and not twice while a request waits', () => {
		expect(memberPermissions(library, 'ava', nadia).canAskHandover).toEqual({ ok: true });
		expect(memberPermissions(library, 'ava', al).canAskHandover).toBeNull();
		expect(memberPermissions(library, 'ava', ava).canAskHandover).toBeNull();
		expect(memberPermissions(library, 'al', nadia).canAskHandover).toBeNull();
		const waiting = {
			id: 'h1',
			kind: 'step-down' as const,
			askedBy: 'ava',
			askedOf: 'nadia',
			stepDownTo: 'analyst' as const,
			message: '',
			createdAt: Date.UTC(2026, 5, 1),
			status: 'pending' as const,
			answeredAt: null,
			reply: null
		};
		expect(memberPermissions(library, 'ava', nadia, [waiting]).canAskHandover).toEqual({
			ok: false,
			message: expect.stringMatching(/^You asked nadia on .+; they have not answered yet\.$/)
		});
		expect(
			memberPermissions(library, 'ava', nadia, [{ ...waiting, status: 'declined', answeredAt: 2 }])
				.canAskHandover
		).toEqual({ ok: true });
	});

	it('warns the library’s last own admin that only outsiders would be left', () => {
		expect(ownerZoneWarning(library, [ava, nadia], 'ava')).toBe(
			'Aurora analytics would then be run only by nadia (Office), from outside Aurora. Nobody of Aurora could remove or demote them: only they can step down. Consider making someone of Aurora Project Admin first.'
		);
		const two = projectFacts('institution-zone', [ava, nadia, nils]);
		expect(ownerZoneWarning(two, [ava, nadia, nils], 'ava')).toContain(
			'only by nadia (Office) and nils (Office), from outside Aurora. Nobody of Aurora could remove or demote any of them'
		);
	});

	it('does not warn when an admin of the library remains, for a non-admin, or for the last admin', () => {
		expect(ownerZoneWarning(library, [ava, nadia], 'nadia')).toBeNull();
		expect(ownerZoneWarning(library, [ava, nadia], 'al')).toBeNull();
		const alone = projectFacts('institution-zone', [ava, al]);
		expect(ownerZoneWarning(alone, [ava], 'ava')).toBeNull();
		const network = projectFacts('network-zone', [nadia, nils]);
		expect(ownerZoneWarning(network, [nadia, nils], 'nadia')).toBeNull();
	});
});
