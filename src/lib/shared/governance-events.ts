/**
 * Governance actions: what an admin or the consortium office does to access as one act, beside
 * the entry changes it causes (an invite link copied by hand, an access review's result, a
 * library's offboarding). Each is one row of the audit log with the root `governance` and the
 * event as its value, so that the log answers an auditor in one sentence ("Ada Admin completed
 * the review of Borealis: 12 kept, 3 removed") and not only in the many changes it made.
 *
 * An event belongs to a project (its audit log shows it) or, when it crosses projects, to the
 * consortium (`consortiumEventDocument`). Each kind has its own schema here and its sentence in
 * `describeGovernanceEvent` (audit-sentences.ts); the server writes them through
 * `recordGovernanceEvent` (server/audit/governance.ts) only.
 */
import { z } from 'zod';
import { EmailSchema, IdSchema, TimestampSchema } from './ids';
import { RoleSchema } from './roles';

/** The audit log's root for governance actions. */
export const GOVERNANCE_ROOT = 'governance';

/** An admin took an invitation's link by hand because its mail did not arrive. */
export const InviteLinkCopiedSchema = z.strictObject({
	kind: z.literal('invite-link-copied'),
	inviteId: IdSchema,
	email: EmailSchema,
	role: RoleSchema,
	zoneId: IdSchema
});

const Count = z.number().int().nonnegative();

/** A project an act changed, with its name then (the log outlives a project's name). */
const ProjectRefSchema = z.strictObject({ id: IdSchema, name: z.string().max(200) });

/**
 * What people leaving lost across projects, by kind: the same for a library's offboarding and for
 * one person whose zone's identity provider ended their access (the same planner and apply,
 * src/lib/shared/offboarding.ts).
 */
export const LeavingCountsSchema = z.strictObject({
	memberships: Count,
	invitations: Count,
	/** Access requests closed: theirs, or (a library's) waiting in its own project. */
	requests: Count,
	/** Hand-over requests between Project Admins closed because one of them left. */
	handovers: Count,
	subscriptionsEnded: Count,
	/** Subscriptions that go on for others, with the people who left taken off them. */
	subscriptionsTrimmed: Count,
	/** Consents they gave to portals that stay, withdrawn. */
	grants: Count
});
export type LeavingCounts = z.infer<typeof LeavingCountsSchema>;

/** What an offboarding removed, by kind (src/lib/shared/offboarding.ts). */
export const OffboardingCountsSchema = z.strictObject({
	/** People who left with the library (they belong to no other zone of the consortium). */
	people: Count,
	...LeavingCountsSchema.shape,
	portals: Count
});
export type OffboardingCounts = z.infer<typeof OffboardingCountsSchema>;

/**
 * The consortium office offboarded a member library (an Institution Zone): one act over every
 * project of the consortium, filed under the consortium. Each project's own log has the changes.
 */
export const LibraryOffboardedSchema = z.strictObject({
	kind: z.literal('library-offboarded'),
	zoneId: IdSchema,
	projects: z.array(ProjectRefSchema).max(1000),
	...OffboardingCountsSchema.shape
});

/**
 * An access review closed (server/reviews/): by a reviewer's Complete, or by the server at its due
 * date. Its outcome in counts; each person's decision is in the review's CSV, and each removal is
 * its own entry of the log, authored by the reviewer who decided it.
 */
export const ReviewCompletedSchema = z.strictObject({
	kind: z.literal('review-completed'),
	reviewId: IdSchema,
	/** The zone reviewed; null: the whole project. */
	zoneId: IdSchema.nullable(),
	startedBy: IdSchema,
	startedAt: TimestampSchema,
	dueAt: TimestampSchema,
	/** Completed by the entry's author, or closed by the server once the due date passed. */
	closing: z.enum(['completed', 'due-date']),
	kept: Count,
	removed: Count,
	/** No longer members when it closed, and nobody had decided about them. */
	left: Count,
	/** Nobody decided by the time it closed: reported, not removed. */
	undecided: Count,
	/** Who decided about at least one person, in the order of their first decision. */
	reviewerIds: z.array(IdSchema).max(1000)
});
export type ReviewCompleted = z.infer<typeof ReviewCompletedSchema>;

/**
 * The consortium office set a zone's identity provider (server/identity/), filed under the
 * consortium: what it is, never its secret (only whether a new one was given).
 */
export const IdentityProviderSetSchema = z.strictObject({
	kind: z.literal('identity-provider-set'),
	zoneId: IdSchema,
	issuer: z.string().max(500),
	clientId: z.string().max(255),
	emailDomains: z.array(z.string().max(253)).max(20),
	required: z.boolean(),
	allowNewAccounts: z.boolean(),
	secretChanged: z.boolean()
});

/** The consortium office removed a zone's identity provider. */
export const IdentityProviderRemovedSchema = z.strictObject({
	kind: z.literal('identity-provider-removed'),
	zoneId: IdSchema,
	issuer: z.string().max(500)
});

/** What a zone's identity provider did to one of its people through SCIM (src/lib/shared/scim.ts). */
export const PROVISIONING_ACTS = ['provisioned', 'deactivated', 'reactivated', 'deleted'] as const;
export type ProvisioningAct = (typeof PROVISIONING_ACTS)[number];

/**
 * A zone's identity provider provisioned, deactivated, reactivated or deleted one of its people
 * (server/scim/). Deactivating and deleting end their access at once: what went is counted, and
 * the projects left without a Project Admin are named. Filed under the consortium, and under each
 * project it changed; it carries the names it needs (the person's, the zone's, the projects'), as
 * the log outlives them and a project of another consortium does not know the zone.
 */
export const PersonProvisioningSchema = z.strictObject({
	kind: z.literal('person-provisioning'),
	act: z.enum(PROVISIONING_ACTS),
	zoneId: IdSchema,
	zoneName: z.string().max(200),
	accountId: IdSchema,
	name: z.string().max(200),
	email: EmailSchema,
	/** The projects whose memberships, invitations or requests of theirs ended. */
	projects: z.array(ProjectRefSchema).max(1000),
	...LeavingCountsSchema.shape,
	/** Sessions ended (embedded ones included); their open connections closed with them. */
	sessions: Count,
	/** Projects whose last Project Admin they were: left without one. */
	withoutAdmin: z.array(ProjectRefSchema).max(1000)
});
export type PersonProvisioning = z.infer<typeof PersonProvisioningSchema>;

/** A zone's provisioning token was issued, replaced (the old one stops at once) or revoked. */
export const ProvisioningTokenSchema = z.strictObject({
	kind: z.literal('provisioning-token'),
	act: z.enum(['issued', 'replaced', 'revoked']),
	zoneId: IdSchema,
	zoneName: z.string().max(200)
});

export const GovernanceEventSchema = z.discriminatedUnion('kind', [
	InviteLinkCopiedSchema,
	ReviewCompletedSchema,
	LibraryOffboardedSchema,
	IdentityProviderSetSchema,
	IdentityProviderRemovedSchema,
	PersonProvisioningSchema,
	ProvisioningTokenSchema
]);
export type GovernanceEvent = z.infer<typeof GovernanceEventSchema>;
export type GovernanceEventKind = GovernanceEvent['kind'];

/** Where an event that crosses the consortium's projects is filed in the audit log. */
export function consortiumEventDocument(consortiumId: string): `consortium/${string}` {
	return `consortium/${consortiumId}`;
}

/** The accounts an event's sentence names (besides its author), for the log to find their names. */
export function accountsNamedIn(event: GovernanceEvent): string[] {
	switch (event.kind) {
		case 'invite-link-copied':
		case 'library-offboarded':
		case 'identity-provider-set':
		case 'identity-provider-removed':
		case 'person-provisioning':
		case 'provisioning-token':
			return [];
		case 'review-completed':
			return [event.startedBy, ...event.reviewerIds];
	}
}

/** The event an audit row holds; null for a value no version of the console wrote. */
export function readGovernanceEvent(value: unknown): GovernanceEvent | null {
	const parsed = GovernanceEventSchema.safeParse(value);
	return parsed.success ? parsed.data : null;
}
