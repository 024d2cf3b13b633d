/**
 * Random batches of membership changes, each applied only as far as the policy allows, never
 * break an invariant: at least one Project Admin, and every member placed as their zone allows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	defaultScope,
	factsFromSnapshot,
	findInvariantViolations,
	inviteesFrom,
	judgeProjectBatch,
	type EntryChange,
	type ManagementMode,
	type Member,
	type ProjectFacts,
	type Role,
	type Scope
} from '../../src/lib/shared';
import {
	INSTITUTION_VIEWS,
	NETWORK_VIEWS,
	ZONES,
	member,
	projectInfo
} from '../support/policy-fixtures';

/** Invited addresses are at their zone's domain, as the console knows it. */
const INVITEES = inviteesFrom(() => ZONES);
const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const ROLE = fc.constantFrom<Role>('admin', 'analyst', 'consumer');
const SCOPE = fc.constantFrom<Scope | 'default'>(
	'default',
	'default',
	'all',
	['global'],
	['v-aurora'],
	['v-borealis'],
	['main'],
	['v-aurora', 'global']
);

/** A raw change, as any client could write it: the policy alone stands between it and the state. */
const CHANGE = fc.record({
	op: fc.constantFrom('role', 'remove', 'add', 'invite'),
	target: fc.constantFrom(...PEOPLE),
	role: ROLE,
	scope: SCOPE,
	zoneId: fc.constantFrom('nz', 'aurora', 'borealis')
});
/** The author is picked among the current members (and a stranger) when the batch runs. */
const BATCH = fc.record({ author: fc.nat(7), changes: fc.array(CHANGE, { maxLength: 4 }) });

type RawChange = {
	op: string;
	target: string;
	role: Role;
	scope: Scope | 'default';
	zoneId: string;
};

function toEntryChange(
	facts: ProjectFacts,
	members: Map<string, Member>,
	author: string,
	raw: RawChange
): EntryChange {
	const before = members.get(raw.target);
	const zoneId = before?.zoneId ?? raw.zoneId;
	const change = {
		...raw,
		scope: raw.scope === 'default' ? defaultScope(facts, zoneId) : raw.scope
	};
	const base = before ?? member(change.target, change.role, change.zoneId, change.scope);
	if (change.op === 'invite') {
		const invite = {
			id: `invite-${change.target}`,
			email: base.email,
			role: change.role,
			zoneId: change.zoneId,
			scope: change.scope,
			invitedBy: author,
			invitedAt: 1,
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null
		};
		return { root: 'invites', key: invite.id, before: undefined, after: invite };
	}
	if (change.op === 'remove')
		return { root: 'members', key: change.target, before, after: undefined };
	return {
		root: 'members',
		key: change.target,
		before,
		after: { ...base, role: change.role, scope: change.scope, updatedBy: author, updatedAt: 2 }
	};
}

/** Accepting an invitation makes a member of exactly what was invited (the server's part). */
function accept(change: EntryChange): Member {
	const invite = change.after as {
		email: string;
		role: Role;
		zoneId: string;
		scope: Scope;
		id: string;
	};
	const accountId = invite.id.replace('invite-', '');
	return { ...member(accountId, invite.role, invite.zoneId, invite.scope), email: invite.email };
}

let accepted = 0;

function run(mode: ManagementMode, batches: Array<{ author: number; changes: RawChange[] }>) {
	const owner = mode === 'network-zone' ? 'nz' : 'aurora';
	const members = new Map<string, Member>([['p0', member('p0', 'admin', owner)]]);
	const views = mode === 'network-zone' ? NETWORK_VIEWS : INSTITUTION_VIEWS;
	const snapshot = () =>
		factsFromSnapshot({
			project: projectInfo(mode),
			zones: ZONES,
			views,
			members: members.values()
		});
	for (const batch of batches) {
		const facts = snapshot();
		const author = [...members.keys()][batch.author % (members.size + 1)] ?? 'stranger';
		const changes = batch.changes
			.map((change) => toEntryChange(facts, members, author, change))
			// A batch carries at most one change per key and person, as a Yjs transaction does.
			.filter(
				(change, index, all) =>
					all.findIndex(
						(c) => c.key.replace('invite-', '') === change.key.replace('invite-', '')
					) === index
			);
		for (const { change, decision } of judgeProjectBatch(facts, author, changes, INVITEES)) {
			if (!decision.ok) continue;
			accepted += 1;
			if (change.root === 'invites') {
				const joined = accept(change);
				members.set(joined.accountId, joined);
			} else if (change.after === undefined) members.delete(change.key);
			else members.set(change.key, change.after as Member);
		}
		expect(findInvariantViolations(snapshot(), members.values())).toEqual([]);
	}
}

describe('membership invariants under random changes', () => {
	for (const mode of ['network-zone', 'institution-zone'] as const) {
		it(`hold in ${mode} management`, () => {
			fc.assert(
				fc.property(fc.array(BATCH, { minLength: 1, maxLength: 25 }), (batches) =>
					run(mode, batches)
				),
				{ numRuns: 300 }
			);
		});
	}

	it('were exercised: many random changes were allowed, not only refused', () => {
		expect(accepted).toBeGreaterThan(200);
	});
});
