/**
 * Hand-over requests: the entries of a project document's `handovers` map. A Project Admin cannot
 * remove or demote another Project Admin (docs/policy.md), so a team whose admin should go asks
 * them: to step down, or to let the asker take over (step down in the asker's favour). Only the
 * asked admin answers: accepting steps them down, in the same change, as their own change;
 * declining leaves everything as it was. The asker may withdraw a request that waits. Answered
 * requests stay as the record of what was asked.
 */
import { z } from 'zod';
import { DescriptionSchema, IdSchema, TimestampSchema } from './ids';
import { ROLE_LABELS } from './roles';

export const HANDOVER_KINDS = ['step-down', 'take-over'] as const;
export type HandoverKind = (typeof HANDOVER_KINDS)[number];
export const HANDOVER_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export type HandoverStatus = (typeof HANDOVER_STATUSES)[number];
/** The roles a Project Admin may be asked to step down to: they stay in the project. */
export const STEP_DOWN_ROLES = ['analyst', 'consumer'] as const;
export type StepDownRole = (typeof STEP_DOWN_ROLES)[number];

export const HandoverRequestSchema = z.strictObject({
	id: IdSchema,
	kind: z.enum(HANDOVER_KINDS),
	/** The Project Admin who asks (the author of the new entry). */
	askedBy: IdSchema,
	/** The Project Admin asked to step down: the only one who accepts or declines. */
	askedOf: IdSchema,
	/** Their role once they step down. */
	stepDownTo: z.enum(STEP_DOWN_ROLES, { message: 'Choose Analyst or Consumer' }),
	message: DescriptionSchema,
	createdAt: TimestampSchema,
	status: z.enum(HANDOVER_STATUSES),
	/** When the asked admin accepted or declined, or the asker withdrew; null while it waits. */
	answeredAt: TimestampSchema.nullable(),
	/** What the asked admin said with their answer. */
	reply: z.string().max(500).nullable()
});
export type HandoverRequest = z.infer<typeof HandoverRequestSchema>;

/**
 * What is asked, after "<asker> asks <you or the asked admin>": "to step down as Project Admin of
 * Cove Analytics and become Analyst", or "to let them take over as Project Admin of Cove
 * Analytics, stepping down to Analyst".
 */
export function describeHandover(
	request: Pick<HandoverRequest, 'kind' | 'stepDownTo'>,
	projectName: string
): string {
	const role = ROLE_LABELS[request.stepDownTo];
	return request.kind === 'step-down'
		? `to step down as Project Admin of ${projectName} and become ${role}`
		: `to let them take over as Project Admin of ${projectName}, stepping down to ${role}`;
}
