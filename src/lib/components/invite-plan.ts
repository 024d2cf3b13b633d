/**
 * What Invite Users will do with each address, and how that reads before anyone presses Invite.
 * Every address is judged on its own: its zone comes from its own domain (the inviter picks one
 * only where no zone claims the domain), its role is the one chosen for everyone unless another
 * was chosen for it, and the policy says whether that zone and role are possible. The wiring
 * (`member-permissions.ts`) answers the policy's part; this module only puts the answers together.
 */
import { ROLE_LABELS, ROLE_PLURALS, type Role } from '$lib/shared';
import type { EmailEntry } from './email-entries';
import { reasonForRole, type RoleChoices } from './role-choices';

/** What is known about one address before anything is chosen for it. */
export type AddressStanding =
	/** One zone of the project claims its domain: that is its zone. */
	| { kind: 'zoned'; zoneId: string }
	/**
	 * Its zone is the inviter's to say: no zone claims its domain (`unlisted`), or several do
	 * (`shared`). `zoneIds` are the zones the policy lets this inviter choose; `limit` is the
	 * policy's reason why other zones are not among them, when it has one.
	 */
	| {
			kind: 'choose';
			why: 'unlisted' | 'shared';
			domain: string;
			zoneIds: readonly string[];
			limit: string | null;
	  }
	/** Nothing to send: already a member, or already invited. */
	| { kind: 'skipped'; why: 'member' | 'invited'; message: string }
	/** It cannot be invited into this project by this inviter. */
	| { kind: 'refused'; message: string };

/** The inviter's choices: a role for everyone, and per address a role or (where asked) a zone. */
export interface InviteChoices {
	sharedRole: Role | null;
	roles: Readonly<Record<string, Role>>;
	zones: Readonly<Record<string, string>>;
}

/** Where the inviter says which zone an address belongs to: why, and the zones open to it. */
export type ZoneChoice = Omit<Extract<AddressStanding, { kind: 'choose' }>, 'kind'>;

export type PlannedAddress = { address: string } & (
	| { state: 'invalid'; message: string }
	| { state: 'skipped'; why: 'member' | 'invited'; message: string }
	| { state: 'refused'; message: string }
	| ({ state: 'needs-zone' } & ZoneChoice)
	/**
	 * The zone is known: from the domain, or chosen (`zoneChoice`, so that it can be changed).
	 * `role` is the one chosen, which this person may not hold (`message` says why), or null.
	 */
	| {
			state: 'needs-role';
			zoneId: string;
			zoneChoice: ZoneChoice | null;
			role: Role | null;
			message: string | null;
	  }
	| { state: 'ready'; zoneId: string; zoneChoice: ZoneChoice | null; role: Role }
);

export interface PlannedInvitation {
	email: string;
	role: Role;
	zoneId: string;
}

export function planInvitations(
	entries: readonly EmailEntry[],
	standingOf: (address: string) => AddressStanding,
	roleChoicesFor: (address: string, zoneId: string) => RoleChoices,
	choices: InviteChoices
): PlannedAddress[] {
	return entries.map((entry): PlannedAddress => {
		const { address } = entry;
		if (entry.error !== null) return { address, state: 'invalid', message: entry.error };
		const standing = standingOf(address);
		if (standing.kind === 'skipped')
			return { address, state: 'skipped', why: standing.why, message: standing.message };
		if (standing.kind === 'refused')
			return { address, state: 'refused', message: standing.message };
		let zoneId: string | undefined;
		let zoneChoice: ZoneChoice | null = null;
		if (standing.kind === 'zoned') zoneId = standing.zoneId;
		else {
			const { why, domain, zoneIds, limit } = standing;
			zoneChoice = { why, domain, zoneIds, limit };
			zoneId = zoneIds.find((id) => id === choices.zones[address]);
			if (zoneId === undefined) return { address, state: 'needs-zone', ...zoneChoice };
		}
		const role = choices.roles[address] ?? choices.sharedRole;
		if (role === null)
			return { address, state: 'needs-role', zoneId, zoneChoice, role, message: null };
		const refusal = reasonForRole(roleChoicesFor(address, zoneId), role);
		return refusal === null
			? { address, state: 'ready', zoneId, zoneChoice, role }
			: { address, state: 'needs-role', zoneId, zoneChoice, role, message: refusal };
	});
}

/** The invitations to send: every address that is ready. */
export function invitationsOf(plan: readonly PlannedAddress[]): PlannedInvitation[] {
	return plan.flatMap((row) =>
		row.state === 'ready' ? [{ email: row.address, role: row.role, zoneId: row.zoneId }] : []
	);
}

function count(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

/**
 * The list in a line, e.g. "3 Aurora Analysts, 1 unknown domain, 1 already a member": who would
 * be invited, grouped by zone and role, then what holds addresses back or leaves them out.
 */
export function summarizePlan(
	plan: readonly PlannedAddress[],
	zoneName: (zoneId: string) => string
): string {
	const groups = new Map<string, { zoneId: string; role: Role; count: number }>();
	const blocked = new Map<string, number>();
	const tally = (part: string) => blocked.set(part, (blocked.get(part) ?? 0) + 1);
	for (const row of plan) {
		if (row.state === 'ready') {
			const key = `${row.zoneId}\u0000${row.role}`;
			const group = groups.get(key) ?? { zoneId: row.zoneId, role: row.role, count: 0 };
			group.count += 1;
			groups.set(key, group);
		} else if (row.state === 'needs-role') {
			tally(row.role === null ? 'no-role' : `not:${row.role}`);
		} else if (row.state === 'needs-zone') {
			tally(row.why === 'unlisted' ? 'unknown-domain' : 'shared-domain');
		} else if (row.state === 'skipped') {
			tally(row.why);
		} else {
			tally(row.state);
		}
	}
	const parts = [...groups.values()].map(
		(group) =>
			`${group.count} ${zoneName(group.zoneId)} ${group.count === 1 ? ROLE_LABELS[group.role] : ROLE_PLURALS[group.role]}`
	);
	for (const [part, n] of blocked) parts.push(describeBlocked(part, n));
	return parts.join(', ');
}

function describeBlocked(part: string, n: number): string {
	if (part.startsWith('not:')) return `${n} cannot be ${ROLE_LABELS[part.slice(4) as Role]}`;
	switch (part) {
		case 'no-role':
			return `${n} without a role`;
		case 'unknown-domain':
			return count(n, 'unknown domain', 'unknown domains');
		case 'shared-domain':
			return `${n} of more than one zone`;
		case 'member':
			return count(n, 'already a member', 'already members');
		case 'invited':
			return `${n} already invited`;
		case 'refused':
			return `${n} cannot be invited here`;
		default:
			return count(n, 'invalid address', 'invalid addresses');
	}
}

/** Why Invite cannot be pressed yet, or null: the first thing the inviter has to do. */
export function reasonNotToSend(plan: readonly PlannedAddress[]): string | null {
	if (plan.length === 0) return 'Add at least one email address.';
	const n = (state: PlannedAddress['state']) => plan.filter((row) => row.state === state).length;
	const invalid = n('invalid');
	if (invalid > 0)
		return invalid === 1
			? 'Correct or remove the address that is not valid.'
			: `Correct or remove the ${invalid} addresses that are not valid.`;
	const refused = n('refused');
	if (refused > 0)
		return refused === 1
			? 'Remove the address that cannot be invited here.'
			: `Remove the ${refused} addresses that cannot be invited here.`;
	const needsZone = plan.filter((row) => row.state === 'needs-zone');
	if (needsZone.length > 0)
		return needsZone.length === 1
			? `Choose a zone for ${needsZone[0]!.address}, or remove it.`
			: `Choose a zone for each of ${needsZone.length} addresses, or remove them.`;
	const needsRole = plan.filter((row) => row.state === 'needs-role');
	if (needsRole.length > 0) {
		if (needsRole.every((row) => row.role === null)) return 'Choose a role.';
		return needsRole.length === 1
			? `Choose another role for ${needsRole[0]!.address}.`
			: `Choose other roles for ${needsRole.length} addresses.`;
	}
	if (n('ready') === 0)
		return plan.length === 1
			? 'Nothing to send: this address is already a member or invited.'
			: 'Nothing to send: every address is already a member or invited.';
	return null;
}
