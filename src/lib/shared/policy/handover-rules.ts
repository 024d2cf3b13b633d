/**
 * The rules of hand-over requests (`handovers` of a project document; see handovers.ts): a
 * Project Admin asks another Project Admin; only the asked admin accepts or declines, only the
 * asker withdraws, each once; nobody else writes them, and nobody deletes them. That accepting
 * comes with the asked admin's own step-down, in the same change, is checked on the whole batch
 * (`requireStepDownWithAcceptance`, called by `judgeProjectBatch`).
 */
import { readStoredEntry } from '../entries';
import { HandoverRequestSchema, type HandoverRequest } from '../handovers';
import type { Member } from '../membership';
import { ROLE_LABELS } from '../roles';
import { ALLOW, deny, firstDenial, type Decision } from './decision';
import type { ProjectFacts } from './facts';
import { sameValue } from './values';

/** The fields that say what was asked: fixed once asked. */
const ASKED_FIELDS = [
	'id',
	'kind',
	'askedBy',
	'askedOf',
	'stepDownTo',
	'message',
	'createdAt'
] as const satisfies readonly (keyof HandoverRequest)[];

function nameOf(facts: ProjectFacts, accountId: string): string {
	const member = facts.member(accountId);
	return member ? member.name.trim() || member.email : 'the asked Project Admin';
}

/**
 * Whether `actorId` may ask with this request: a Project Admin asks another Project Admin of the
 * project, as themselves, and the request waits for its answer. What the console asks before it
 * offers "Ask to step down", and what the server asks of every new entry.
 */
export function decideHandoverRequest(
	facts: ProjectFacts,
	actorId: string,
	request: HandoverRequest
): Decision {
	const parsed = HandoverRequestSchema.safeParse(request);
	if (!parsed.success) return deny('invalid-entry', 'The hand-over request is malformed.');
	const asked = parsed.data;
	return firstDenial(
		() => {
			const actor = facts.member(actorId);
			if (!actor) return deny('not-a-member', 'You are not a member of this project.');
			return actor.role === 'admin'
				? ALLOW
				: deny(
						'admin-only',
						'Only Project Admins can ask another Project Admin to step down or hand over.'
					);
		},
		() =>
			asked.askedBy === actorId
				? ALLOW
				: deny('author-mismatch', 'A change must carry its author in askedBy.'),
		() => {
			const target = facts.member(asked.askedOf);
			return target && target.role === 'admin' && target.accountId !== actorId
				? ALLOW
				: deny(
						'handover-target',
						'A hand-over request asks another Project Admin of this project.'
					);
		},
		() =>
			asked.status === 'pending' && asked.answeredAt === null && asked.reply === null
				? ALLOW
				: deny(
						'invalid-entry',
						'A new hand-over request waits for the answer of the admin it asks.'
					)
	);
}

/**
 * An answer: the asked admin accepts or declines, the asker withdraws; once, and changing only
 * the status, when, and the reply.
 */
export function decideHandoverAnswer(
	facts: ProjectFacts,
	actorId: string,
	before: HandoverRequest,
	after: HandoverRequest
): Decision {
	const changed = ASKED_FIELDS.find((field) => !sameValue(before[field], after[field]));
	return firstDenial(
		() =>
			facts.member(actorId) ? ALLOW : deny('not-a-member', 'You are not a member of this project.'),
		() =>
			changed === undefined
				? ALLOW
				: deny('immutable-field', `The ${changed} of a hand-over request cannot be changed.`),
		() =>
			before.status === 'pending'
				? ALLOW
				: deny('request-decided', 'This hand-over request has already been answered.'),
		() =>
			after.status !== 'pending' && after.answeredAt !== null
				? ALLOW
				: deny(
						'invalid-entry',
						'A hand-over request is accepted or declined (or withdrawn by its asker), with the time.'
					),
		() => answererRule(facts, actorId, after)
	);
}

function answererRule(facts: ProjectFacts, actorId: string, after: HandoverRequest): Decision {
	if (after.status === 'withdrawn')
		return actorId === after.askedBy
			? ALLOW
			: deny(
					'handover-not-yours',
					`Only ${nameOf(facts, after.askedBy)}, who asked, can withdraw this hand-over request.`
				);
	if (actorId !== after.askedOf)
		return deny(
			'handover-not-yours',
			`Only ${nameOf(facts, after.askedOf)} can accept or decline this hand-over request.`
		);
	if (after.status === 'accepted' && facts.member(actorId)?.role !== 'admin')
		return deny(
			'handover-needs-step-down',
			'You are no longer a Project Admin, so there is nothing to step down from: decline it.'
		);
	return ALLOW;
}

/** One change of a batch and its verdict so far, as `judgeProjectBatch` holds them. */
interface Judged {
	change: { root: string; key: string; before: unknown; after: unknown };
	decision: Decision;
}

/**
 * Accepting a hand-over request is stepping down, and the two stand or fall together: an accepted
 * answer stands only with the asked admin's own step-down to the role asked, accepted in the same
 * batch (otherwise the record would say "accepted" of an admin who still is one); and a step-down
 * sent as the acceptance of a request that is refused (withdrawn meanwhile, answered already) is
 * refused with it, since it was meant as that answer. Stepping down alone is another change.
 */
export function requireStepDownWithAcceptance<T extends Judged>(verdicts: readonly T[]): T[] {
	const acceptances = verdicts.flatMap((verdict) => {
		const { change } = verdict;
		if (change.root !== 'handovers' || change.before === undefined) return [];
		const answer = readStoredEntry('project', 'handovers', change.key, change.after) as
			HandoverRequest | undefined;
		return answer?.status === 'accepted' ? [{ verdict, answer }] : [];
	});
	if (acceptances.length === 0) return [...verdicts];
	const isStepDownFor = (other: Judged, answer: HandoverRequest) =>
		other.change.root === 'members' &&
		other.change.key === answer.askedOf &&
		(
			readStoredEntry('project', 'members', other.change.key, other.change.after) as
				Member | undefined
		)?.role === answer.stepDownTo;
	const refusals = new Map<Judged, Decision>();
	for (const { verdict, answer } of acceptances) {
		if (!verdict.decision.ok) continue;
		const steppedDown = verdicts.some((other) => other.decision.ok && isStepDownFor(other, answer));
		if (!steppedDown)
			refusals.set(
				verdict,
				deny(
					'handover-needs-step-down',
					`Accepting this hand-over request steps you down to ${ROLE_LABELS[answer.stepDownTo]} in the same change.`
				)
			);
	}
	for (const { verdict, answer } of acceptances) {
		const refused = refusals.get(verdict) ?? verdict.decision;
		if (refused.ok) continue;
		for (const other of verdicts)
			if (other.decision.ok && isStepDownFor(other, answer))
				refusals.set(
					other,
					deny(
						refused.code,
						`Your step-down was your answer to a hand-over request, which was refused: ${refused.message}`
					)
				);
	}
	return verdicts.map((verdict) => {
		const decision = refusals.get(verdict);
		return decision ? { ...verdict, decision } : verdict;
	});
}
