/**
 * The HTTP API, each route once: its method and path, the shapes of its path parameters, query,
 * body and answer, and the error codes it may answer with. The server registers its routes from
 * here (and checks bodies and answers against it), the SPA calls through it, and the endpoint
 * index of docs/api.md is generated from it (`npm run docs:api`).
 */
import { z } from 'zod';
import {
	ReviewDecisionRequestSchema,
	ReviewListSchema,
	ReviewSchema,
	StartReviewRequestSchema
} from './access-reviews';
import {
	AccountSchema,
	AccountSessionSchema,
	AccountUpdateRequestSchema,
	CurrentSessionSchema,
	EmailRequestSchema,
	LinkTokenRequestSchema,
	PasswordResetConfirmRequestSchema,
	PasswordSignInRequestSchema
} from './auth';
import {
	ConsentInfoSchema,
	EmbedSessionRequestSchema,
	EmbedSessionSchema,
	GrantRequestSchema,
	PortalGrantListSchema,
	PortalGrantSchema,
	PortalListSchema,
	PortalPublicInfoSchema,
	RegisteredPortalSchema,
	RegisterPortalRequestSchema,
	TicketRequestSchema,
	TicketResponseSchema
} from './embedding';
import {
	ConsortiumIdentitySchema,
	IdentityProviderCallbackRequestSchema,
	IdentityProviderInputSchema,
	IdentityProviderSchema,
	IdentityProviderSignedInSchema,
	SignInStartRequestSchema,
	SignInStartSchema
} from './identity-provider';
import {
	AccessCsvQuerySchema,
	AccessPeopleFoundSchema,
	AccessReportSchema,
	AccessScopeSchema,
	AccessSearchQuerySchema
} from './access';
import { TimestampSchema } from './ids';
import { AccessChangeRequestSchema, AccessPreviewSchema } from './policy/access-preview';
import {
	OffboardingApplyRequestSchema,
	OffboardingPlanSchema,
	OffboardingResultSchema,
	OffboardingZonesSchema
} from './offboarding';
import {
	InviteAcceptRequestSchema,
	InviteLinkSchema,
	InvitePreviewRequestSchema,
	InvitePreviewSchema
} from './invitations';
import {
	BulkInviteAppliedSchema,
	BulkInviteApplyQuerySchema,
	BulkInvitePreviewSchema
} from './bulk-invite';
import {
	AuditPageSchema,
	AuditQuerySchema,
	CreatedRequestSchema,
	DirectorySchema,
	LookupTableCreatedSchema,
	LookupTableUploadQuerySchema,
	NewRequestSchema,
	RequestableBoardsSchema,
	RosterSchema
} from './workflows';
import { IssuedScimTokenSchema, ScimOverviewSchema } from './scim';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Who may call a route: anyone, a console session, or a portal's server with its API key. */
export type RouteCaller = 'anyone' | 'session' | 'api-key' | 'loopback';

/** What a route answers with on success. */
export type RouteAnswer =
	| { type: 'json'; status: 200 | 201 | 202; schema: z.ZodType }
	| { type: 'none'; status: 204 }
	| { type: 'csv'; status: 200 };

export interface RouteContract {
	method: HttpMethod;
	/** With `:name` for each path parameter. */
	path: string;
	summary: string;
	caller: RouteCaller;
	/** The query string's parameters, when the route reads any. */
	query?: z.ZodType;
	/** A JSON body, or a file of the given type (`text/csv`) that the route reads itself. */
	body?: { type: 'json'; schema: z.ZodType } | { type: 'file'; contentType: string };
	answer: RouteAnswer;
	/** The codes of the route's own errors, besides the router's (`ROUTER_ERROR_CODES`). */
	errors: readonly string[];
	/** The route may also refuse with any of the policy's reason codes (docs/policy.md). */
	policyDenials?: true;
	/** Cookie-less callers (servers) send no Origin; state-changing cookie routes never set this. */
	withoutOrigin?: boolean;
}

/** Codes any route may answer with: the router's own checks and the catch-all. */
export const ROUTER_ERROR_CODES = [
	'invalid-input',
	'invalid-json',
	'unsupported-media-type',
	'body-too-large',
	'incomplete-body',
	'bad-path-parameter',
	'method-not-allowed',
	'cross-origin',
	'origin-required',
	'internal'
] as const;

const TOKEN_ERRORS = ['token-invalid', 'token-expired', 'token-used'] as const;
/** Signing in is refused while the person's zone's identity provider has them deactivated. */
const DEACTIVATED = 'deactivated-by-identity-provider';
const TICKET_ERRORS = ['ticket-invalid', 'ticket-expired', 'ticket-used'] as const;
/** An invitation link's: its token's, and what became of the invitation. */
const INVITE_LINK_ERRORS = [
	...TOKEN_ERRORS,
	'invite-superseded',
	'invite-revoked',
	'invite-accepted',
	'access-ended',
	'rate-limited'
] as const;

/** Who may offboard which library: the consortium office, an Institution Zone of its consortium. */
const OFFBOARDING_ACCESS_ERRORS = [
	'unauthenticated',
	'consortium-not-found',
	'not-network-zone-admin',
	'zone-not-found',
	'not-an-institution-zone'
] as const;
/** Reaching a zone's identity provider (docs/security.md, "Signing in through a zone's identity provider"). */
const PROVIDER_ERRORS = [
	'identity-provider-unreachable',
	'identity-provider-unusable',
	'identity-provider-secret-unreadable'
] as const;
/** Who may set up the consortium's identity providers: its office. */
const IDENTITY_ACCESS_ERRORS = [
	'unauthenticated',
	'consortium-not-found',
	'not-network-zone-admin'
] as const;
/** Why has access: who may look (docs/workflows.md). */
const ACCESS_ERRORS = ['unauthenticated', 'consortium-not-found', 'not-access-reviewer'] as const;

const Ok = z.object({ ok: z.literal(true) });
const SignedIn = z.object({ account: AccountSchema });
const OutboxMessageSchema = z.object({
	id: z.number(),
	to: z.string(),
	subject: z.string(),
	text: z.string(),
	html: z.string(),
	status: z.enum(['queued', 'sent', 'failed', 'kept-locally']),
	attempts: z.number(),
	createdAt: TimestampSchema,
	sentAt: TimestampSchema.nullable(),
	lastError: z.string().nullable()
});
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

const json = <S extends z.ZodType, Status extends 200 | 201 | 202 = 200>(
	schema: S,
	status: Status = 200 as Status
) => ({ type: 'json', status, schema }) as const;
const NONE = { type: 'none', status: 204 } as const;
const CSV = { type: 'csv', status: 200 } as const;
const body = <S extends z.ZodType>(schema: S) => ({ type: 'json', schema }) as const;

/** Keeps each route's literal types (for the client's inference) while checking its shape. */
const routes = <const R extends Record<string, RouteContract>>(table: R): R => table;

export const API = routes({
	health: {
		method: 'GET',
		path: '/api/health',
		summary: 'Whether the server is up.',
		caller: 'anyone',
		answer: json(Ok),
		errors: []
	},

	// Signing in and out.
	requestSignInLink: {
		method: 'POST',
		path: '/api/auth/link',
		summary: 'Mails a sign-in link to the address, if it has an account.',
		caller: 'anyone',
		body: body(EmailRequestSchema),
		answer: json(Ok, 202),
		errors: ['rate-limited', 'identity-provider-required']
	},
	consumeSignInLink: {
		method: 'POST',
		path: '/api/auth/link/consume',
		summary: 'Signs in with the token of a sign-in link.',
		caller: 'anyone',
		body: body(LinkTokenRequestSchema),
		answer: json(SignedIn),
		errors: [...TOKEN_ERRORS, 'rate-limited', 'identity-provider-required', DEACTIVATED]
	},
	signInWithPassword: {
		method: 'POST',
		path: '/api/auth/password',
		summary: 'Signs in with an address and password.',
		caller: 'anyone',
		body: body(PasswordSignInRequestSchema),
		answer: json(SignedIn),
		errors: ['invalid-credentials', 'rate-limited', 'identity-provider-required', DEACTIVATED]
	},
	startSignIn: {
		method: 'POST',
		path: '/api/auth/sign-in/start',
		summary:
			'How an address signs in: its zone’s identity provider (where to go, with the sign-in recorded) or email.',
		caller: 'anyone',
		body: body(SignInStartRequestSchema),
		answer: json(SignInStartSchema),
		errors: ['rate-limited', ...PROVIDER_ERRORS]
	},
	completeProviderSignIn: {
		method: 'POST',
		path: '/api/auth/identity-provider/callback',
		summary: 'Completes a sign-in with the provider’s answer (code and state); signs in.',
		caller: 'anyone',
		body: body(IdentityProviderCallbackRequestSchema),
		answer: json(IdentityProviderSignedInSchema),
		errors: [
			'rate-limited',
			'sign-in-unknown',
			'sign-in-expired',
			'sign-in-used',
			'sign-in-other-browser',
			'identity-provider-changed',
			'identity-provider-declined',
			'identity-provider-answer-refused',
			'identity-provider-no-email',
			'identity-provider-email-unverified',
			'identity-provider-wrong-domain',
			'identity-provider-no-account',
			DEACTIVATED,
			...PROVIDER_ERRORS
		]
	},
	signOut: {
		method: 'POST',
		path: '/api/auth/sign-out',
		summary: 'Ends the session presented (the cookie’s, or an embedded one’s token).',
		caller: 'anyone',
		answer: NONE,
		errors: []
	},
	getSession: {
		method: 'GET',
		path: '/api/auth/session',
		summary: 'The signed-in account and its session.',
		caller: 'session',
		answer: json(CurrentSessionSchema),
		errors: ['unauthenticated']
	},

	// Passwords.
	requestPasswordReset: {
		method: 'POST',
		path: '/api/auth/password-reset',
		summary: 'Mails a link to set or reset the password, if the address has an account.',
		caller: 'anyone',
		body: body(EmailRequestSchema),
		answer: json(Ok, 202),
		errors: ['rate-limited', 'identity-provider-required']
	},
	confirmPasswordReset: {
		method: 'POST',
		path: '/api/auth/password-reset/confirm',
		summary: 'Sets the password with a reset link’s token; ends every session and signs in.',
		caller: 'anyone',
		body: body(PasswordResetConfirmRequestSchema),
		answer: json(SignedIn),
		errors: [...TOKEN_ERRORS, 'rate-limited', 'identity-provider-required', DEACTIVATED]
	},

	// Personal Settings.
	updateAccount: {
		method: 'PATCH',
		path: '/api/account',
		summary: 'Renames the account.',
		caller: 'session',
		body: body(AccountUpdateRequestSchema),
		answer: json(SignedIn),
		errors: ['unauthenticated']
	},
	requestEmailChange: {
		method: 'POST',
		path: '/api/account/email',
		summary: 'Mails a verification link to the new address.',
		caller: 'session',
		body: body(EmailRequestSchema),
		answer: json(Ok, 202),
		errors: [
			'unauthenticated',
			'email-unchanged',
			'rate-limited',
			'address-managed-by-identity-provider',
			'identity-provider-required'
		]
	},
	confirmEmailChange: {
		method: 'POST',
		path: '/api/account/email/confirm',
		summary: 'Moves the account to the address a verification link was sent to.',
		caller: 'anyone',
		body: body(LinkTokenRequestSchema),
		answer: json(SignedIn),
		errors: [
			...TOKEN_ERRORS,
			'email-taken',
			'rate-limited',
			'address-managed-by-identity-provider',
			'identity-provider-required'
		]
	},
	listSessions: {
		method: 'GET',
		path: '/api/account/sessions',
		summary: 'The account’s sessions.',
		caller: 'session',
		answer: json(z.object({ sessions: z.array(AccountSessionSchema) })),
		errors: ['unauthenticated']
	},
	endSession: {
		method: 'DELETE',
		path: '/api/account/sessions/:id',
		summary: 'Ends one of the account’s sessions.',
		caller: 'session',
		answer: NONE,
		errors: ['unauthenticated', 'session-not-found']
	},
	endOtherSessions: {
		method: 'POST',
		path: '/api/account/sessions/end-others',
		summary: 'Ends every session of the account but the current one.',
		caller: 'session',
		answer: NONE,
		errors: ['unauthenticated']
	},

	// Invitations.
	previewInvite: {
		method: 'POST',
		path: '/api/invites/preview',
		summary: 'What an invitation link offers, without using it.',
		caller: 'anyone',
		body: body(InvitePreviewRequestSchema),
		answer: json(InvitePreviewSchema),
		errors: INVITE_LINK_ERRORS
	},
	acceptInvite: {
		method: 'POST',
		path: '/api/invites/accept',
		summary: 'Accepts an invitation (creating the account if needed) and signs in.',
		caller: 'anyone',
		body: body(InviteAcceptRequestSchema),
		answer: json(SignedIn.extend({ projectId: z.string() })),
		errors: [...INVITE_LINK_ERRORS, 'identity-provider-required', DEACTIVATED]
	},
	previewBulkInvite: {
		method: 'POST',
		path: '/api/projects/:id/invites/csv/preview',
		summary: 'What a CSV file of people would do, row by row, doing nothing (Project Admins).',
		caller: 'session',
		body: { type: 'file', contentType: 'text/csv' },
		answer: json(BulkInvitePreviewSchema),
		errors: ['unauthenticated', 'project-not-found', 'not-project-admin', 'invalid-csv']
	},
	applyBulkInvite: {
		method: 'POST',
		path: '/api/projects/:id/invites/csv',
		summary: 'Invites everyone of a CSV file as its preview said, or nobody (Project Admins).',
		caller: 'session',
		query: BulkInviteApplyQuerySchema,
		body: { type: 'file', contentType: 'text/csv' },
		answer: json(BulkInviteAppliedSchema, 201),
		errors: [
			'unauthenticated',
			'project-not-found',
			'not-project-admin',
			'invalid-csv',
			'bulk-invite-refused',
			'bulk-invite-changed',
			'rate-limited'
		]
	},
	copyInviteLink: {
		method: 'POST',
		path: '/api/projects/:id/invites/:inviteId/link',
		summary: 'A fresh Accept Invite link to hand over by hand, shown once (Project Admins).',
		caller: 'session',
		answer: json(InviteLinkSchema, 201),
		errors: ['unauthenticated', 'project-not-found', 'invite-not-found', 'rate-limited'],
		policyDenials: true
	},

	// Requests, the directory, the audit logs, the roster, offboarding, lookup tables and the
	// Lexicon.
	getDirectory: {
		method: 'GET',
		path: '/api/directory',
		summary: 'The consortium’s projects as the signed-in person may see them.',
		caller: 'session',
		answer: json(DirectorySchema),
		errors: ['unauthenticated']
	},
	listRequestableBoards: {
		method: 'GET',
		path: '/api/projects/:id/boards',
		summary: 'The project’s boards one may ask to subscribe to.',
		caller: 'session',
		answer: json(RequestableBoardsSchema),
		errors: ['unauthenticated', 'project-not-found'],
		policyDenials: true
	},
	submitRequest: {
		method: 'POST',
		path: '/api/projects/:id/requests',
		summary: 'Asks to join the project, or for a subscription to a board.',
		caller: 'session',
		body: body(NewRequestSchema),
		answer: json(CreatedRequestSchema, 201),
		errors: [
			'unauthenticated',
			'project-not-found',
			'request-pending',
			'unknown-board',
			'rate-limited'
		],
		policyDenials: true
	},
	withdrawRequest: {
		method: 'POST',
		path: '/api/projects/:id/requests/:requestId/withdraw',
		summary: 'Withdraws one’s own pending request.',
		caller: 'session',
		answer: NONE,
		errors: ['unauthenticated', 'project-not-found', 'request-not-found', 'request-decided']
	},
	previewAccessChange: {
		method: 'POST',
		path: '/api/projects/:id/members/:accountId/preview',
		summary: 'What a member would gain and lose by a change of role or data views.',
		caller: 'session',
		body: body(AccessChangeRequestSchema),
		answer: json(AccessPreviewSchema),
		errors: ['unauthenticated', 'project-not-found', 'member-not-found'],
		policyDenials: true
	},
	getAuditPage: {
		method: 'GET',
		path: '/api/projects/:id/audit',
		summary: 'A page of the audit log in sentences, newest first (Project Admins).',
		caller: 'session',
		query: AuditQuerySchema,
		answer: json(AuditPageSchema),
		errors: ['unauthenticated', 'project-not-found', 'not-project-admin']
	},
	downloadAuditCsv: {
		method: 'GET',
		path: '/api/projects/:id/audit.csv',
		summary: 'The audit log as CSV: sentences and raw columns (Project Admins).',
		caller: 'session',
		query: AuditQuerySchema,
		answer: CSV,
		errors: ['unauthenticated', 'project-not-found', 'not-project-admin']
	},
	getRoster: {
		method: 'GET',
		path: '/api/consortia/:id/roster',
		summary: 'The consortium’s people and memberships.',
		caller: 'session',
		answer: json(RosterSchema),
		errors: ['unauthenticated', 'consortium-not-found', 'not-network-zone-admin']
	},
	downloadRosterCsv: {
		method: 'GET',
		path: '/api/consortia/:id/roster.csv',
		summary: 'The roster as CSV.',
		caller: 'session',
		answer: CSV,
		errors: ['unauthenticated', 'consortium-not-found', 'not-network-zone-admin']
	},
	getConsortiumLog: {
		method: 'GET',
		path: '/api/consortia/:id/audit',
		summary: 'The consortium’s governance actions in sentences, newest first (the office).',
		caller: 'session',
		query: AuditQuerySchema.pick({ before: true, limit: true }),
		answer: json(AuditPageSchema),
		errors: ['unauthenticated', 'consortium-not-found', 'not-network-zone-admin']
	},
	listOffboardingZones: {
		method: 'GET',
		path: '/api/consortia/:id/offboarding',
		summary: 'The member libraries one may offboard, and where each stands (the office).',
		caller: 'session',
		answer: json(OffboardingZonesSchema),
		errors: ['unauthenticated', 'consortium-not-found', 'not-network-zone-admin']
	},
	previewOffboarding: {
		method: 'GET',
		path: '/api/consortia/:id/offboarding/:zoneId',
		summary: 'What offboarding the library would remove, project by project, and what refuses it.',
		caller: 'session',
		answer: json(OffboardingPlanSchema),
		errors: OFFBOARDING_ACCESS_ERRORS
	},
	applyOffboarding: {
		method: 'POST',
		path: '/api/consortia/:id/offboarding/:zoneId',
		summary: 'Offboards the library as previewed, in one step, with one audit entry.',
		caller: 'session',
		body: body(OffboardingApplyRequestSchema),
		answer: json(OffboardingResultSchema),
		errors: [
			...OFFBOARDING_ACCESS_ERRORS,
			'offboarding-refused',
			'offboarding-changed',
			'confirmation-mismatch'
		]
	},
	getConsortiumIdentity: {
		method: 'GET',
		path: '/api/consortia/:id/identity',
		summary: 'The consortium’s zones and their identity providers, without secrets (the office).',
		caller: 'session',
		answer: json(ConsortiumIdentitySchema),
		errors: IDENTITY_ACCESS_ERRORS
	},
	setZoneIdentityProvider: {
		method: 'POST',
		path: '/api/consortia/:id/identity/zones/:zoneId',
		summary: 'Sets a zone’s identity provider, after fetching its discovery document (the office).',
		caller: 'session',
		body: body(IdentityProviderInputSchema),
		answer: json(z.object({ provider: IdentityProviderSchema })),
		errors: [
			...IDENTITY_ACCESS_ERRORS,
			'zone-not-found',
			'identity-provider-invalid',
			...PROVIDER_ERRORS
		]
	},
	removeZoneIdentityProvider: {
		method: 'DELETE',
		path: '/api/consortia/:id/identity/zones/:zoneId',
		summary: 'Removes a zone’s identity provider: its people sign in by link or password again.',
		caller: 'session',
		answer: NONE,
		errors: [...IDENTITY_ACCESS_ERRORS, 'zone-not-found', 'identity-provider-not-found']
	},
	getAccessScope: {
		method: 'GET',
		path: '/api/consortia/:id/access',
		summary: 'The zones whose access the signed-in person may look into (why has access).',
		caller: 'session',
		answer: json(AccessScopeSchema),
		errors: ACCESS_ERRORS
	},
	getZoneAccess: {
		method: 'GET',
		path: '/api/consortia/:id/access/zones/:zoneId',
		summary: 'Everyone who can see a zone’s data, and why: memberships, data views, paths.',
		caller: 'session',
		answer: json(AccessReportSchema),
		errors: [...ACCESS_ERRORS, 'zone-not-found']
	},
	downloadZoneAccessCsv: {
		method: 'GET',
		path: '/api/consortia/:id/access/zones/:zoneId/access.csv',
		summary: 'A zone’s access as CSV, the sentences in the time zone asked for.',
		caller: 'session',
		query: AccessCsvQuerySchema,
		answer: CSV,
		errors: [...ACCESS_ERRORS, 'zone-not-found']
	},
	findPeopleWithAccess: {
		method: 'GET',
		path: '/api/consortia/:id/access/people',
		summary: 'People with access one may look into, by part of their name or address.',
		caller: 'session',
		query: AccessSearchQuerySchema,
		answer: json(AccessPeopleFoundSchema),
		errors: ACCESS_ERRORS
	},
	getPersonAccess: {
		method: 'GET',
		path: '/api/consortia/:id/access/people/:accountId',
		summary: 'A person’s memberships across the consortium’s projects, and why.',
		caller: 'session',
		answer: json(AccessReportSchema),
		errors: [...ACCESS_ERRORS, 'person-not-found']
	},
	downloadPersonAccessCsv: {
		method: 'GET',
		path: '/api/consortia/:id/access/people/:accountId/access.csv',
		summary: 'A person’s access as CSV, the sentences in the time zone asked for.',
		caller: 'session',
		query: AccessCsvQuerySchema,
		answer: CSV,
		errors: [...ACCESS_ERRORS, 'person-not-found']
	},
	uploadLookupTable: {
		method: 'POST',
		path: '/api/projects/:id/views/:viewId/lookup-tables',
		summary: 'Imports a CSV file as a new lookup table of the data view.',
		caller: 'session',
		query: LookupTableUploadQuerySchema,
		body: { type: 'file', contentType: 'text/csv' },
		answer: json(LookupTableCreatedSchema, 201),
		errors: [
			'unauthenticated',
			'project-not-found',
			'view-not-found',
			'cannot-read-view',
			'invalid-csv',
			'rate-limited'
		],
		policyDenials: true
	},
	downloadLexiconCsv: {
		method: 'GET',
		path: '/api/projects/:id/views/:viewId/lexicon.csv',
		summary: 'The data view’s Lexicon as CSV.',
		caller: 'session',
		answer: CSV,
		errors: ['unauthenticated', 'project-not-found', 'view-not-found', 'cannot-read-view'],
		policyDenials: true
	},

	// Provisioning (SCIM): the zones' tokens, for the consortium office. The SCIM service itself
	// (/scim/v2/...) speaks RFC 7644, not this contract: docs/api.md, "SCIM provisioning".
	getScimOverview: {
		method: 'GET',
		path: '/api/consortia/:id/scim',
		summary: 'Every zone’s provisioning: its token (never the secret) and people (the office).',
		caller: 'session',
		answer: json(ScimOverviewSchema),
		errors: ['unauthenticated', 'consortium-not-found', 'not-network-zone-admin']
	},
	issueScimToken: {
		method: 'POST',
		path: '/api/consortia/:id/scim/zones/:zoneId/token',
		summary: 'Issues the zone’s SCIM token, shown once; an older one stops working at once.',
		caller: 'session',
		answer: json(IssuedScimTokenSchema, 201),
		errors: [
			'unauthenticated',
			'consortium-not-found',
			'not-network-zone-admin',
			'zone-not-found',
			'zone-left'
		]
	},
	revokeScimToken: {
		method: 'DELETE',
		path: '/api/consortia/:id/scim/zones/:zoneId/token',
		summary: 'Revokes the zone’s SCIM token: its identity provider can no longer provision.',
		caller: 'session',
		answer: NONE,
		errors: [
			'unauthenticated',
			'consortium-not-found',
			'not-network-zone-admin',
			'zone-not-found',
			'scim-token-not-found'
		]
	},

	// Access reviews.
	listReviews: {
		method: 'GET',
		path: '/api/projects/:id/reviews',
		summary: 'The project’s access reviews, open ones first (Project Admins).',
		caller: 'session',
		answer: json(ReviewListSchema),
		errors: ['unauthenticated', 'project-not-found', 'not-project-admin']
	},
	startReview: {
		method: 'POST',
		path: '/api/projects/:id/reviews',
		summary: 'Starts an access review of a zone’s people, or of every member; mails its reviewers.',
		caller: 'session',
		body: body(StartReviewRequestSchema),
		answer: json(z.object({ review: ReviewSchema }), 201),
		errors: [
			'unauthenticated',
			'project-not-found',
			'not-project-admin',
			'not-zone-reviewer',
			'review-zone-unknown',
			'review-due-date',
			'review-empty',
			'review-open',
			'rate-limited'
		]
	},
	getReview: {
		method: 'GET',
		path: '/api/projects/:id/reviews/:reviewId',
		summary: 'An access review: each person, their access and its reason, the decisions.',
		caller: 'session',
		answer: json(z.object({ review: ReviewSchema })),
		errors: ['unauthenticated', 'project-not-found', 'not-project-admin', 'review-not-found']
	},
	decideReviewItem: {
		method: 'POST',
		path: '/api/projects/:id/reviews/:reviewId/people/:accountId',
		summary: 'Keep or Remove one person; a removal is made at once, judged by the policy.',
		caller: 'session',
		body: body(ReviewDecisionRequestSchema),
		answer: json(z.object({ review: ReviewSchema })),
		errors: [
			'unauthenticated',
			'project-not-found',
			'not-project-admin',
			'review-not-found',
			'review-item-not-found',
			'review-closed',
			'review-item-decided',
			'not-zone-reviewer',
			'review-own-access',
			'review-person-gone'
		],
		policyDenials: true
	},
	completeReview: {
		method: 'POST',
		path: '/api/projects/:id/reviews/:reviewId/complete',
		summary: 'Closes an access review before its due date; undecided people are reported.',
		caller: 'session',
		answer: json(z.object({ review: ReviewSchema })),
		errors: [
			'unauthenticated',
			'project-not-found',
			'not-project-admin',
			'review-not-found',
			'review-closed',
			'not-zone-reviewer'
		]
	},
	downloadReviewCsv: {
		method: 'GET',
		path: '/api/projects/:id/reviews/:reviewId/review.csv',
		summary: 'An access review as CSV: person, access, reason, decision, by whom, when.',
		caller: 'session',
		answer: CSV,
		errors: ['unauthenticated', 'project-not-found', 'not-project-admin', 'review-not-found']
	},

	// Embedding: portals, tickets, embedded sessions, consent.
	issueTicket: {
		method: 'POST',
		path: '/api/embed/tickets',
		summary: 'A one-use ticket for a person, asked for by a portal’s server.',
		caller: 'api-key',
		withoutOrigin: true,
		body: body(TicketRequestSchema),
		answer: json(TicketResponseSchema, 201),
		errors: [
			'server-only',
			'api-key-invalid',
			'project-not-found',
			'project-not-in-portal',
			'consent-required',
			'not-a-member',
			'rate-limited'
		]
	},
	exchangeTicket: {
		method: 'POST',
		path: '/api/embed/session',
		summary: 'Exchanges a ticket for an embedded session (the widget).',
		caller: 'anyone',
		body: body(EmbedSessionRequestSchema),
		answer: json(EmbedSessionSchema),
		errors: [
			...TICKET_ERRORS,
			'ticket-mismatch',
			'project-not-in-portal',
			'not-a-member',
			'consent-required',
			'rate-limited',
			DEACTIVATED
		]
	},
	getPortalInfo: {
		method: 'GET',
		path: '/api/embed/portals/:portalId',
		summary: 'A portal’s name and origins, for the widget.',
		caller: 'anyone',
		answer: json(PortalPublicInfoSchema),
		errors: ['portal-not-found']
	},
	getConsentInfo: {
		method: 'GET',
		path: '/api/embed/portals/:portalId/consent',
		summary: 'What the consent window shows about a portal.',
		caller: 'session',
		answer: json(ConsentInfoSchema),
		errors: ['unauthenticated', 'portal-not-found', 'consent-not-a-member']
	},
	allowPortal: {
		method: 'POST',
		path: '/api/embed/grants',
		summary: 'Allows a portal to act for the person in some projects.',
		caller: 'session',
		body: body(GrantRequestSchema),
		answer: json(PortalGrantSchema, 201),
		errors: ['unauthenticated', 'portal-not-found', 'grant-project-invalid']
	},
	listPortalGrants: {
		method: 'GET',
		path: '/api/embed/grants',
		summary: 'The portals the person has allowed.',
		caller: 'session',
		answer: json(PortalGrantListSchema),
		errors: ['unauthenticated']
	},
	removePortalGrant: {
		method: 'DELETE',
		path: '/api/embed/grants/:portalId',
		summary: 'Takes a portal’s permission back; its embedded sessions end.',
		caller: 'session',
		answer: NONE,
		errors: ['unauthenticated', 'grant-not-found']
	},
	listPortals: {
		method: 'GET',
		path: '/api/consortia/:consortiumId/portals',
		summary: 'The consortium’s portals.',
		caller: 'session',
		answer: json(PortalListSchema),
		errors: ['unauthenticated', 'consortium-not-found']
	},
	registerPortal: {
		method: 'POST',
		path: '/api/consortia/:consortiumId/portals',
		summary: 'Registers a portal; the answer holds its API key, shown once.',
		caller: 'session',
		body: body(RegisterPortalRequestSchema),
		answer: json(RegisteredPortalSchema, 201),
		errors: ['unauthenticated', 'consortium-not-found', 'portal-project-admins-only']
	},
	revokePortal: {
		method: 'DELETE',
		path: '/api/consortia/:consortiumId/portals/:portalId',
		summary: 'Revokes a portal: its key and embedded sessions stop working.',
		caller: 'session',
		answer: NONE,
		errors: ['unauthenticated', 'consortium-not-found', 'portal-not-found', 'portal-managers-only']
	},

	// Development.
	listOutbox: {
		method: 'GET',
		path: '/api/dev/outbox',
		summary: 'The latest mail kept locally (development; this machine only).',
		caller: 'loopback',
		answer: json(z.object({ messages: z.array(OutboxMessageSchema) })),
		errors: ['outbox-local-only', 'outbox-wrong-host']
	}
});

export type Api = typeof API;
export type RouteName = keyof Api;

/** The `:name` parameters of a path, as a union of names. */
type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
	? Name | ParamNames<`/${Rest}`>
	: Path extends `${string}:${infer Name}`
		? Name extends `${infer Bare}.${string}`
			? Bare
			: Name
		: never;

export type RouteParams<R extends RouteContract> = { [Name in ParamNames<R['path']>]: string };

export type RouteBody<R extends RouteContract> = R['body'] extends {
	type: 'json';
	schema: infer S extends z.ZodType;
}
	? z.input<S>
	: undefined;

export type RouteQuery<R extends RouteContract> = R['query'] extends z.ZodType
	? z.input<R['query']>
	: undefined;

export type RouteResponse<R extends RouteContract> = R['answer'] extends {
	type: 'json';
	schema: infer S extends z.ZodType;
}
	? z.output<S>
	: void;

/** The names of the path's parameters, in order. */
export function pathParamNames(path: string): string[] {
	return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

/**
 * The path parameters' schema: each a non-empty string (ids are checked by the route, which
 * answers a missing thing's 404 for a malformed id as for an unknown one).
 */
export function paramsSchema(route: RouteContract): z.ZodType<Record<string, string>> {
	return z.object(
		Object.fromEntries(
			pathParamNames(route.path).map((name) => [
				name,
				z.string().min(1, `The ${name} in the path is empty`)
			])
		)
	);
}

/** The path with its parameters filled in, each percent-encoded. */
export function fillPath(path: string, params: Record<string, string>): string {
	return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`${path} needs its ${name}`);
		return encodeURIComponent(value);
	});
}
