/**
 * The shapes of the consortium workflows' API (docs/api.md, docs/workflows.md): the project
 * directory and requests in institution-zone management, the audit log, lookup table uploads and
 * the consortium roster. Request bodies and query strings as the server validates them (the SPA
 * can check its forms with the same schemas), and the response bodies the SPA receives.
 */
import { z } from 'zod';
import { PROVISIONING_STATES } from './scim';
import { ManagementModeSchema, ZoneKindSchema } from './consortium';
import { countOf } from './human-format';
import { DescriptionSchema, IdSchema, NameSchema, TimestampSchema, eachOnce } from './ids';
import { CadenceSchema, OwnRequestSchema, type AccessRequest } from './membership';
import { ROLES, ROLE_LABELS, RoleSchema } from './roles';
import { REASON_CODES } from './policy/decision';
import { AUDIT_CHANGES, type AuditKind } from './audit-sentences';
import { ROOT_WORDS } from './root-words';

const RoleOutputSchema = z.enum(ROLES);

// ---- requests (institution-zone management) --------------------------------------------------

export const JoinRequestInputSchema = z.object({
	kind: z.literal('join'),
	role: RoleSchema,
	message: DescriptionSchema.default('')
});

export const SubscriptionRequestInputSchema = z.object({
	kind: z.literal('subscription'),
	boardIds: z
		.array(IdSchema)
		.min(1, 'Choose at least one board')
		.max(50, 'Choose at most 50 boards')
		.refine(eachOnce, 'Choose each board once'),
	cadence: CadenceSchema,
	message: DescriptionSchema.default('')
});

/** `POST /api/projects/:id/requests`. */
export const NewRequestSchema = z.discriminatedUnion('kind', [
	JoinRequestInputSchema,
	SubscriptionRequestInputSchema
]);
export type NewRequest = z.input<typeof NewRequestSchema>;

/** The answer to a new request: the request as the requester's user document now holds it. */
export const CreatedRequestSchema = z.object({ request: OwnRequestSchema });

export const DirectoryProjectSchema = z.object({
	projectId: IdSchema,
	name: z.string(),
	/** The Institution Zone that owns the project. */
	ownerZoneName: z.string(),
	/** The person's role in the project, or null when they are not a member. */
	membership: RoleOutputSchema.nullable(),
	/** The person's own requests to this project that wait for a decision. */
	pendingRequests: z.array(OwnRequestSchema)
});
export type DirectoryProject = z.infer<typeof DirectoryProjectSchema>;

/** `GET /api/directory`: names and the person's own status only, never an IZ's members or data. */
export const DirectorySchema = z.object({
	consortia: z.array(
		z.object({ id: IdSchema, name: z.string(), projects: z.array(DirectoryProjectSchema) })
	)
});
export type Directory = z.infer<typeof DirectorySchema>;

/** `GET /api/projects/:id/boards`: what a requester may choose to be subscribed to. */
export const RequestableBoardsSchema = z.object({
	viewId: IdSchema,
	viewName: z.string(),
	boards: z.array(z.object({ id: IdSchema, name: z.string() }))
});
export type RequestableBoards = z.infer<typeof RequestableBoardsSchema>;

/**
 * What a request asks, as the words that follow "asks" or "Your request": "to join Cove Analytics
 * as Analyst", "to receive a weekly digest of Loans and Visits from Cove Analytics".
 */
export function describeRequest(
	request: AccessRequest,
	projectName: string,
	boardNames: readonly string[] = []
): string {
	if (request.kind === 'join') return `to join ${projectName} as ${ROLE_LABELS[request.role]}`;
	const count = request.boardIds.length;
	const boards =
		boardNames.length === count && count <= 3 ? listNames(boardNames) : countOf(count, 'board');
	return `to receive a ${request.cadence} digest of ${boards} from ${projectName}`;
}

function listNames(names: readonly string[]): string {
	return names.length <= 1
		? (names[0] ?? '')
		: `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

// ---- audit log ----------------------------------------------------------------------------------

export const AUDIT_OUTCOMES = ['accepted', 'refused'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Why an entry's values are not shown. */
export const AUDIT_REDACTIONS = ['private-document', 'too-large'] as const;

/** An empty query parameter (`?root=`) is no filter at all. */
function optionalParam<T extends z.ZodType>(schema: T) {
	return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

export const AUDIT_PAGE_LIMIT = { default: 50, max: 200 } as const;

/** The query of `GET /api/projects/:id/audit` (and `audit.csv`). */
export const AuditQuerySchema = z.object({
	/** The kind of entry: a root map of the project's documents (`members`, `boards`, ...). */
	root: optionalParam(
		z.enum(Object.keys(ROOT_WORDS) as [AuditKind, ...AuditKind[]], {
			message: 'Not a kind of entry of the audit log'
		})
	),
	/** An account id, or `server` for the server's own changes. */
	author: optionalParam(IdSchema),
	/**
	 * An account id: what this person did, and what was done to their membership, invitation or
	 * requests (matched by account and by address).
	 */
	person: optionalParam(IdSchema),
	/**
	 * A zone id: entries about people of this zone (memberships, invitations, requests) and every
	 * entry of the data views that show its data.
	 */
	zone: optionalParam(IdSchema),
	outcome: optionalParam(z.enum(AUDIT_OUTCOMES)),
	/** From this time on (inclusive), in milliseconds since the epoch. */
	from: optionalParam(z.coerce.number().int().nonnegative()),
	/** Up to this time (inclusive). */
	to: optionalParam(z.coerce.number().int().nonnegative()),
	/** The `nextCursor` of the previous page: entries older than it. */
	before: optionalParam(z.string().regex(/^[0-9]{1,15}$/, 'Not a cursor from this log')),
	limit: optionalParam(z.coerce.number().int().min(1).max(AUDIT_PAGE_LIMIT.max))
});
export type AuditQuery = z.output<typeof AuditQuerySchema>;

export const AuditEntrySchema = z.object({
	id: z.string(),
	at: TimestampSchema,
	document: z.string(),
	/** The data view of a `view` or `private` document; null for the project document. */
	viewId: IdSchema.nullable(),
	root: z.string(),
	key: z.string(),
	/**
	 * Null: the server (bootstrap, accepted invitations, approved requests, uploads). The name is
	 * the account's, or "a deleted account" once it is gone.
	 */
	author: z.object({ id: z.string(), name: z.string() }).nullable(),
	/** The portal whose embedded widget the author used: "<author> via <portal>". */
	via: z.object({ portalId: z.string(), portalName: z.string() }).nullable(),
	outcome: z.enum(AUDIT_OUTCOMES),
	/** The policy's reason code and message, for a refused change. */
	code: z.enum(REASON_CODES).nullable(),
	message: z.string().nullable(),
	/** Added, changed or deleted; null for entries logged before this was recorded. */
	change: z.enum(AUDIT_CHANGES).nullable(),
	/** The entry before and after the change; null when absent (added, deleted) or redacted. */
	before: z.unknown(),
	after: z.unknown(),
	redacted: z.enum(AUDIT_REDACTIONS).nullable(),
	/**
	 * What happened, as a sentence with names ("Nils Network changed Dana Admin’s role from
	 * Project Admin to Consumer"), without its time: `describeAuditEntry`.
	 */
	sentence: z.string()
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
	entries: z.array(AuditEntrySchema),
	/** Pass as `before` for the next (older) page; null on the last page. */
	nextCursor: z.string().nullable()
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

// ---- lookup tables ------------------------------------------------------------------------------

/** The query of `POST /api/projects/:id/views/:viewId/lookup-tables`. */
export const LookupTableUploadQuerySchema = z.object({ name: NameSchema });

export const LookupTableCreatedSchema = z.object({
	id: IdSchema,
	/** Rows besides the header. */
	rows: z.number().int(),
	columns: z.number().int()
});
export type LookupTableCreated = z.infer<typeof LookupTableCreatedSchema>;

export const CsvProblemSchema = z.object({
	row: z.number().int(),
	column: z.number().int().nullable(),
	message: z.string()
});

/** The 400 answer to a file that cannot be imported. */
export const InvalidCsvErrorSchema = z.object({
	error: z.object({
		code: z.literal('invalid-csv'),
		message: z.string(),
		problems: z.array(CsvProblemSchema)
	})
});

// ---- consortium roster --------------------------------------------------------------------------

export const RosterMembershipSchema = z.object({
	projectId: IdSchema,
	projectName: z.string(),
	role: RoleOutputSchema,
	zoneId: IdSchema,
	zoneName: z.string()
});

export const RosterPersonSchema = z.object({
	accountId: IdSchema,
	name: z.string(),
	email: z.string(),
	/**
	 * The zones of the consortium the person belongs to; `provisioning`: where the zone's identity
	 * provider has them (SCIM), null when it did not provision them.
	 */
	zones: z.array(
		z.object({
			id: IdSchema,
			name: z.string(),
			kind: ZoneKindSchema,
			provisioning: z.enum(PROVISIONING_STATES).nullable()
		})
	),
	memberships: z.array(RosterMembershipSchema)
});
export type RosterPerson = z.infer<typeof RosterPersonSchema>;

/** `GET /api/consortia/:id/roster`: membership facts only, never an Institution Zone's data. */
export const RosterSchema = z.object({
	consortium: z.object({ id: IdSchema, name: NameSchema, mode: ManagementModeSchema }),
	people: z.array(RosterPersonSchema)
});
export type Roster = z.infer<typeof RosterSchema>;

/** Error codes of the workflow API, besides the router's own and the policy's reason codes. */
export const WorkflowErrorCodeSchema = z.enum([
	'unauthenticated',
	'project-not-found',
	'view-not-found',
	'consortium-not-found',
	'request-not-found',
	'request-pending',
	'unknown-board',
	'not-project-admin',
	'not-network-zone-admin',
	'not-access-reviewer',
	'zone-not-found',
	'person-not-found',
	'cannot-read-view',
	'invalid-csv',
	'rate-limited'
]);
export type WorkflowErrorCode = z.infer<typeof WorkflowErrorCodeSchema>;
