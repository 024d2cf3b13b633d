/**
 * The seed's rule for Project Admins, in both management modes: a Project Admin cannot remove
 * another Project Admin, only users below Admin; demoting one removes their admin role, so it is
 * refused too. Giving up one's own role (stepping down, leaving) is always one's own choice, as
 * long as the project keeps a Project Admin. Checked over every pair of roles, in random projects,
 * through the entry points the console asks and the batch judge the server enforces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	decideMemberChange,
	decideRemoval,
	judgeProjectBatch,
	ROLES,
	type ManagementMode,
	type Member,
	type Role
} from '../../src/lib/shared';
import { facts, izMember, member } from '../support/policy-fixtures';

const RANK: Record<Role, number> = { consumer: 1, analyst: 2, admin: 3 };
const MODES: ManagementMode[] = ['network-zone', 'institution-zone'];

/** A member the mode admits with this role: Project Admins of the Network Zone or the owner zone. */
function placed(mode: ManagementMode, accountId: string, role: Role, fromInstitution: boolean) {
	if (mode === 'network-zone')
		return fromInstitution && role !== 'admin'
			? izMember(accountId, role, 'aurora')
			: member(accountId, role, 'nz');
	return member(accountId, role, fromInstitution ? 'aurora' : 'nz');
}

/** A project of 2 to 6 members, the first two being the actor and the target. */
const PROJECT = fc
	.record({
		mode: fc.constantFrom(...MODES),
		people: fc.array(fc.record({ role: fc.constantFrom(...ROLES), iz: fc.boolean() }), {
			minLength: 2,
			maxLength: 6
		})
	})
	.map(({ mode, people }) => {
		const members = people.map((person, index) =>
			placed(mode, `m${index}`, person.role, person.iz)
		);
		return { mode, members, project: facts(mode, members) };
	});

function stepTo(target: Member, role: Role) {
	return { role, zoneId: target.zoneId, scope: target.scope };
}

function deleteOf(target: Member) {
	return { root: 'members', key: target.accountId, before: target, after: undefined };
}

function updateOf(target: Member, author: string, role: Role) {
	return {
		root: 'members',
		key: target.accountId,
		before: target,
		after: { ...target, role, updatedBy: author, updatedAt: 2 }
	};
}

describe('Project Admins and the seed’s rule, in both management modes', () => {
	it('never lets anyone remove or demote another Project Admin', () => {
		fc.assert(
			fc.property(
				PROJECT,
				fc.constantFrom('consumer', 'analyst') as fc.Arbitrary<Role>,
				(input, lower) => {
					const { project, members } = input;
					const [actor, target] = members as [Member, Member];
					fc.pre(target.role === 'admin');
					const removal = decideRemoval(project, actor.accountId, target);
					const demotion = decideMemberChange(
						project,
						actor.accountId,
						target,
						stepTo(target, lower)
					);
					const verdicts = judgeProjectBatch(
						project,
						actor.accountId,
						[updateOf(target, actor.accountId, lower)],
						project.invitees
					);
					const expected = actor.role === 'admin' ? 'admin-protected' : 'admin-only';
					expect(removal).toMatchObject({ ok: false, code: expected });
					expect(demotion).toMatchObject({ ok: false, code: expected });
					expect(verdicts[0]!.decision).toMatchObject({ ok: false, code: expected });
					const deleted = judgeProjectBatch(
						project,
						actor.accountId,
						[deleteOf(target)],
						project.invitees
					);
					expect(deleted[0]!.decision).toMatchObject({ ok: false, code: expected });
				}
			),
			{ numRuns: 300 }
		);
	});

	it('lets a Project Admin remove or demote anyone below Admin', () => {
		fc.assert(
			fc.property(PROJECT, (input) => {
				const { project, members } = input;
				const [actor, target] = members as [Member, Member];
				fc.pre(actor.role === 'admin' && target.role !== 'admin');
				expect(decideRemoval(project, actor.accountId, target)).toEqual({ ok: true });
				const lower = ROLES.filter((role) => RANK[role] < RANK[target.role]);
				for (const role of lower)
					expect(
						decideMemberChange(project, actor.accountId, target, stepTo(target, role))
					).toEqual({ ok: true });
			}),
			{ numRuns: 200 }
		);
	});

	it('lets anyone step down or leave, unless they are the last Project Admin', () => {
		fc.assert(
			fc.property(PROJECT, (input) => {
				const { project, members } = input;
				const [self] = members as [Member];
				const admins = members.filter((person) => person.role === 'admin').length;
				const lastAdmin = self.role === 'admin' && admins === 1;
				const expected = lastAdmin
					? { ok: false, code: 'last-admin', message: expect.any(String) }
					: { ok: true };
				expect(decideRemoval(project, self.accountId, self)).toEqual(expected);
				expect(
					judgeProjectBatch(project, self.accountId, [deleteOf(self)], project.invitees)[0]!
						.decision
				).toEqual(expected);
				for (const role of ROLES.filter((role) => RANK[role] < RANK[self.role])) {
					expect(decideMemberChange(project, self.accountId, self, stepTo(self, role))).toEqual(
						expected
					);
					expect(
						judgeProjectBatch(
							project,
							self.accountId,
							[updateOf(self, self.accountId, role)],
							project.invitees
						)[0]!.decision
					).toEqual(expected);
				}
			}),
			{ numRuns: 300 }
		);
	});
});
