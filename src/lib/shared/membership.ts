/**
 * Members, invites and requests: the entries of a project document's `members`, `invites` and
 * `requests` maps. Every entry is a plain JSON value replaced as a whole on edit.
 */
import { z } from 'zod';
import { DescriptionSchema, EmailSchema, IdSchema, NameSchema, TimestampSchema } from './ids';
import { ScopeSchema } from './project';
import { RoleSchema } from './roles';

/**
 * The last moment of a membership's access: the server removes the membership once it has passed.
 * Null, or absent (entries stored before end dates existed), when access does not end. The console
 * sets the end of the chosen day in the admin's time zone (`endOfDay`), so that the day it shows
 * (`formatDate`) is the last day of access.
 */
export const EndsAtSchema = TimestampSchema.nullable().optional();

/** When an entry's access ends; null when it does not. */
export function endsAtOf(entry: { endsAt?: number | null }): number | null {
	return entry.endsAt ?? null;
}

export const MemberSchema = z.strictObject({
	accountId: IdSchema,
	email: EmailSchema,
	name: z.string().max(120),
	role: RoleSchema,
	/** The member's home zone: a fact about the person, set by the server. */
	zoneId: IdSchema,
	scope: ScopeSchema,
	joinedAt: TimestampSchema,
	/** When the membership ends (docs/workflows.md, "Access that ends"). */
	endsAt: EndsAtSchema,
	/** Who made the last change to this entry, and when (the server checks the author). */
	updatedBy: IdSchema,
	updatedAt: TimestampSchema
});
export type Member = z.infer<typeof MemberSchema>;

/** Who an invitation (or seeded entry) is from when the consortium office, not a member, made it. */
export const OFFICE_INVITER = 'consortium-office';

/** Who moves an invitation between these, and how: invitation-lifecycle.ts. */
export const INVITE_STATUSES = ['queued', 'sent', 'accepted', 'failed'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];

export const InviteSchema = z.strictObject({
	id: IdSchema,
	email: EmailSchema,
	role: RoleSchema,
	zoneId: IdSchema,
	scope: ScopeSchema,
	invitedBy: IdSchema,
	invitedAt: TimestampSchema,
	/** When the membership the invitation offers ends; carried to the member entry on acceptance. */
	endsAt: EndsAtSchema,
	/**
	 * How many times an admin asked for the invitation to be sent: 1 on creation, +1 for each
	 * Resend Invitation. The server sends a fresh link whenever it grows.
	 */
	sendRequests: z.number().int().min(1).max(1000),
	/** Set by the server only. */
	status: z.enum(INVITE_STATUSES),
	sentAt: TimestampSchema.nullable(),
	expiresAt: TimestampSchema.nullable(),
	acceptedAt: TimestampSchema.nullable(),
	/** Why the last send failed, for the Invited Users list. */
	failure: z.string().max(300).nullable()
});
export type Invite = z.infer<typeof InviteSchema>;

export const REQUEST_KINDS = ['join', 'subscription'] as const;
export const REQUEST_STATUSES = ['pending', 'approved', 'denied'] as const;
export const CADENCES = ['daily', 'weekly', 'monthly'] as const;
export const CadenceSchema = z.enum(CADENCES);
export type Cadence = z.infer<typeof CadenceSchema>;

const RequestBase = z.strictObject({
	id: IdSchema,
	requesterId: IdSchema,
	requesterEmail: EmailSchema,
	requesterName: z.string().max(120),
	requesterZoneId: IdSchema,
	message: DescriptionSchema,
	createdAt: TimestampSchema,
	status: z.enum(REQUEST_STATUSES),
	decidedBy: IdSchema.nullable(),
	decidedAt: TimestampSchema.nullable(),
	decisionReason: z.string().max(500).nullable()
});

/** An NZ user's request to join an Institution Zone's project with a role. */
export const JoinRequestSchema = RequestBase.extend({
	kind: z.literal('join'),
	role: RoleSchema
});
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

/** An NZ user's request to be subscribed regularly to boards of an Institution Zone's project. */
export const SubscriptionRequestSchema = RequestBase.extend({
	kind: z.literal('subscription'),
	viewId: IdSchema,
	boardIds: z.array(IdSchema).min(1, 'Choose at least one board').max(50),
	cadence: CadenceSchema
});
export type SubscriptionRequest = z.infer<typeof SubscriptionRequestSchema>;

export const AccessRequestSchema = z.discriminatedUnion('kind', [
	JoinRequestSchema,
	SubscriptionRequestSchema
]);
export type AccessRequest = z.infer<typeof AccessRequestSchema>;

/**
 * A request as its requester's user document keeps it: the project document's entry plus what the
 * requester cannot read there, since they are not (yet) a member: the project's name and, for a
 * subscription, the names of the boards asked for.
 */
const OwnRequestContext = { projectId: IdSchema, projectName: NameSchema };
export const OwnRequestSchema = z.discriminatedUnion('kind', [
	JoinRequestSchema.extend(OwnRequestContext),
	SubscriptionRequestSchema.extend({
		...OwnRequestContext,
		boardNames: z.array(z.string().max(120)).max(50)
	})
]);
export type OwnRequest = z.infer<typeof OwnRequestSchema>;

/** What a member of the project drop-down shows: one entry per project the account belongs to. */
export const ProjectListingSchema = z.strictObject({
	projectId: IdSchema,
	name: NameSchema,
	consortiumName: NameSchema,
	mode: z.enum(['network-zone', 'institution-zone']),
	role: RoleSchema,
	zoneName: z.string().max(120)
});
export type ProjectListing = z.infer<typeof ProjectListingSchema>;

/**
 * A message to one account in its user document (request decided, added to a project, removed
 * from one, role or data views changed by someone else: membership-news.ts words those).
 */
export const NoticeSchema = z.strictObject({
	id: IdSchema,
	at: TimestampSchema,
	kind: z.enum([
		'added-to-project',
		'removed-from-project',
		'role-changed',
		'views-changed',
		'request-decided'
	]),
	projectId: IdSchema,
	text: z.string().max(500)
});
export type Notice = z.infer<typeof NoticeSchema>;

/**
 * How long a notice is kept: the console shows none older, and the server lets older ones go
 * whenever it leaves a new one, so a user document does not grow with every notice ever sent.
 */
export const NOTICE_LIFETIME_MS = 14 * 24 * 3600 * 1000;
