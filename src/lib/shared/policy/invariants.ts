/**
 * The invariants of a project's membership, checked on a whole state. The server never needs this
 * on its hot path (it checks the changes that could break them, in O(change)); tests and the
 * property test use it to prove that the change rules keep every invariant.
 */
import { checkAssignment } from './membership-rules';
import type { ProjectFacts } from './facts';
import type { Member } from '../membership';

export interface InvariantViolation {
	accountId: string | null;
	message: string;
}

export function findInvariantViolations(
	facts: ProjectFacts,
	members: Iterable<Member>
): InvariantViolation[] {
	const violations: InvariantViolation[] = [];
	let admins = 0;
	for (const member of members) {
		if (member.role === 'admin') admins += 1;
		const assignment = checkAssignment(facts, member);
		if (!assignment.ok)
			violations.push({ accountId: member.accountId, message: assignment.message });
	}
	if (admins === 0)
		violations.push({ accountId: null, message: 'The project has no Project Admin.' });
	return violations;
}
