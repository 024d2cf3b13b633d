import { describe, expect, it } from 'vitest';
import { readEmailEntry } from '../../src/lib/components/email-entries';
import {
	invitationsOf,
	planInvitations,
	reasonNotToSend,
	summarizePlan,
	type InviteChoices
} from '../../src/lib/components/invite-plan';
import { inviteRoleChoices, inviteStanding } from '../../src/lib/member-permissions';
import type { Invite } from '../../src/lib/shared';
import { ZONES, facts as projectFacts, izMember, member } from '../support/policy-fixtures';

const facts = projectFacts('network-zone', [
	member('admin', 'admin', 'nz'),
	izMember('ian', 'analyst', 'aurora')
]);
const pending: Invite = {
	id: 'i1',
	email: 'iris@aurora.example.edu',
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
	failure: null
};
const zoneName = (id: string) => ZONES.find((zone) => zone.id === id)!.name;

function plan(addresses: string[], choices: Partial<InviteChoices> = {}) {
	return planInvitations(
		addresses.map(readEmailEntry),
		(address) => inviteStanding(facts, 'admin', [pending], ZONES, address),
		(address, zoneId) => inviteRoleChoices(facts, 'admin', address, zoneId),
		{ sharedRole: null, roles: {}, zones: {}, ...choices }
	);
}

describe('Invite Users, address by address', () => {
	it('says before sending what will happen: "3 Aurora Analysts, 1 unknown domain, 1 already a member"', () => {
		const planned = plan(
			[
				'ann@aurora.example.edu',
				'bo@aurora.example.edu',
				'cy@aurora.example.edu',
				'caleb@cove.example.org',
				'ian@aurora.example.edu'
			],
			{ sharedRole: 'analyst' }
		);
		expect(summarizePlan(planned, zoneName)).toBe(
			'3 Aurora Analysts, 1 unknown domain, 1 already a member'
		);
		expect(reasonNotToSend(planned)).toBe(
			'Choose a zone for caleb@cove.example.org, or remove it.'
		);
	});

	it('gives each address the zone of its own domain, never the first address’s', () => {
		const planned = plan(['ann@aurora.example.edu', 'bea@borealis.example.edu'], {
			sharedRole: 'consumer'
		});
		expect(invitationsOf(planned)).toEqual([
			{ email: 'ann@aurora.example.edu', role: 'consumer', zoneId: 'aurora' },
			{ email: 'bea@borealis.example.edu', role: 'consumer', zoneId: 'borealis' }
		]);
		expect(summarizePlan(planned, zoneName)).toBe('1 Aurora Consumer, 1 Borealis Consumer');
	});

	it('holds back an address at an unknown domain until its zone is chosen', () => {
		const waiting = plan(['caleb@cove.example.org'], { sharedRole: 'analyst' });
		expect(waiting[0]).toMatchObject({ state: 'needs-zone', why: 'unlisted' });
		expect(invitationsOf(waiting)).toEqual([]);
		const chosen = plan(['caleb@cove.example.org'], {
			sharedRole: 'analyst',
			zones: { 'caleb@cove.example.org': 'borealis' }
		});
		expect(reasonNotToSend(chosen)).toBeNull();
		expect(invitationsOf(chosen)).toEqual([
			{ email: 'caleb@cove.example.org', role: 'analyst', zoneId: 'borealis' }
		]);
	});

	it('takes a role per address over the one for everyone, and flags a role the zone may not hold', () => {
		const planned = plan(['nils@office.example.org', 'ann@aurora.example.edu'], {
			sharedRole: 'admin'
		});
		expect(planned[1]).toMatchObject({
			state: 'needs-role',
			role: 'admin',
			message: expect.stringMatching(/Institution Zone users cannot be Project Admin/)
		});
		expect(summarizePlan(planned, zoneName)).toBe(
			'1 Office Project Admin, 1 cannot be Project Admin'
		);
		expect(reasonNotToSend(planned)).toBe('Choose another role for ann@aurora.example.edu.');

		const mixed = plan(['nils@office.example.org', 'ann@aurora.example.edu'], {
			sharedRole: 'admin',
			roles: { 'ann@aurora.example.edu': 'analyst' }
		});
		expect(invitationsOf(mixed)).toEqual([
			{ email: 'nils@office.example.org', role: 'admin', zoneId: 'nz' },
			{ email: 'ann@aurora.example.edu', role: 'analyst', zoneId: 'aurora' }
		]);
		expect(summarizePlan(mixed, zoneName)).toBe('1 Office Project Admin, 1 Aurora Analyst');
	});

	it('leaves out members and people already invited without holding the rest back', () => {
		const planned = plan(
			['ian@aurora.example.edu', 'iris@aurora.example.edu', 'ann@aurora.example.edu'],
			{ sharedRole: 'consumer' }
		);
		expect(summarizePlan(planned, zoneName)).toBe(
			'1 Aurora Consumer, 1 already a member, 1 already invited'
		);
		expect(reasonNotToSend(planned)).toBeNull();
		expect(invitationsOf(planned).map((invitation) => invitation.email)).toEqual([
			'ann@aurora.example.edu'
		]);
		const nothing = plan(['ian@aurora.example.edu', 'iris@aurora.example.edu'], {
			sharedRole: 'consumer'
		});
		expect(reasonNotToSend(nothing)).toBe(
			'Nothing to send: every address is already a member or invited.'
		);
	});

	it('counts in words, with plurals', () => {
		const planned = plan(
			['a@cove.example.org', 'b@cove.example.org', 'c@aurora.example.edu', 'not an address'],
			{}
		);
		expect(summarizePlan(planned, zoneName)).toBe(
			'2 unknown domains, 1 without a role, 1 invalid address'
		);
		expect(reasonNotToSend(planned)).toBe('Correct or remove the address that is not valid.');
		expect(reasonNotToSend(plan([]))).toBe('Add at least one email address.');
		expect(reasonNotToSend(plan(['c@aurora.example.edu']))).toBe('Choose a role.');
	});
});
