/**
 * SCIM 2.0 provisioning (RFC 7643, RFC 7644) of a zone's people by the zone's identity provider
 * (docs/api.md, "SCIM provisioning"): the User resource as the console keeps it, the bodies it
 * takes (zod; attribute names compared without regard to case, as RFC 7643 §2.1 says), the one
 * filter it answers (`userName eq "…"`), PATCH applied to a user's state, and the shapes of the
 * console's token panel. Pure: the server (server/scim/) reads and writes, the console explains.
 *
 * A provisioned person is an account: `userName` is the email address, which must be one of the
 * zone's domains (`zonesClaimingEmail`). The console keeps `userName`, `name`, `displayName`,
 * `externalId` and `active`; the other attributes of the core User schema and of the enterprise
 * extension are accepted and not kept (a GET does not return them). A password is never taken.
 */
import { z } from 'zod';
import { EmailSchema, IdSchema, NameSchema, TimestampSchema } from './ids';
import { ZoneKindSchema } from './consortium';
import { fail, succeed, type Outcome } from './outcome';
import { firstIssue } from './zod-issues';

export const SCIM_URN = {
	user: 'urn:ietf:params:scim:schemas:core:2.0:User',
	enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
	patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
	listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
	error: 'urn:ietf:params:scim:api:messages:2.0:Error',
	serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
	resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
	schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema'
} as const;

/** Where the SCIM service is, below the console's public URL (the "tenant URL" of Entra ID). */
export const SCIM_BASE_PATH = '/scim/v2';

/** The media type of SCIM bodies (RFC 7644 §8.1); `application/json` is accepted too. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** A list answers at most this many users per page (ServiceProviderConfig's `maxResults`). */
export const SCIM_MAX_RESULTS = 100;

/** The `scimType` of an error response (RFC 7644 §3.12) the console answers with. */
export const SCIM_ERROR_TYPES = [
	'invalidFilter',
	'invalidSyntax',
	'invalidPath',
	'invalidValue',
	'noTarget',
	'mutability',
	'uniqueness'
] as const;
export type ScimErrorType = (typeof SCIM_ERROR_TYPES)[number];

/** A refusal of the SCIM service, as domain code returns it; the edge gives it its status. */
export type ScimFailureCode = ScimErrorType | 'user-not-found';

export const ScimErrorSchema = z.object({
	schemas: z.tuple([z.literal(SCIM_URN.error)]),
	/** The HTTP status, as a string (RFC 7644 §3.12). */
	status: z.string(),
	scimType: z.enum(SCIM_ERROR_TYPES).optional(),
	detail: z.string()
});
export type ScimError = z.infer<typeof ScimErrorSchema>;

// ---- attribute names, compared without regard to case ----------------------------------------

/**
 * The object with the keys it shares with `names` spelled as there (`USERNAME` → `userName`);
 * others are kept as they are. A name spelled twice (`active` and `Active`) is refused: which one
 * the sender meant is not for the console to guess.
 */
function canonicalObject(
	names: readonly string[]
): (value: unknown) => Outcome<{ value: unknown }, 'invalidValue'> {
	const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
	return (value) => {
		if (typeof value !== 'object' || value === null || Array.isArray(value))
			return succeed({ value });
		const spellings = new Map<string, string[]>();
		for (const key of Object.keys(value)) {
			const name = byLower.get(key.toLowerCase()) ?? key;
			spellings.set(name, [...(spellings.get(name) ?? []), key]);
		}
		for (const [name, keys] of spellings)
			if (keys.length > 1)
				return fail('invalidValue', `${name} is named twice (${keys.join(', ')})`);
		return succeed({
			value: Object.fromEntries(
				Object.entries(value).map(([key, item]) => [byLower.get(key.toLowerCase()) ?? key, item])
			)
		});
	};
}

/** `canonicalObject` before zod reads a body: a name spelled twice is the body's issue. */
function canonicalKeys(names: readonly string[]) {
	const canonical = canonicalObject(names);
	return (value: unknown, ctx: z.RefinementCtx) => {
		const read = canonical(value);
		if (read.ok) return read.value;
		ctx.addIssue({ code: 'custom', message: read.message });
		return value;
	};
}

const Text = z.string().max(256, 'At most 256 characters');

/**
 * A boolean, or its name as a string in any case: Entra ID sends `"False"` in PATCH operations
 * unless told otherwise.
 */
export const ScimBooleanSchema = z.union([
	z.boolean(),
	z
		.string()
		.regex(/^(true|false)$/i, 'Expected true or false')
		.transform((text) => text.toLowerCase() === 'true')
]);

const NAME_PARTS = ['givenName', 'familyName', 'formatted'] as const;
type NamePart = (typeof NAME_PARTS)[number];

export const ScimNameSchema = z.preprocess(
	canonicalKeys(NAME_PARTS),
	z.looseObject({
		givenName: Text.nullish(),
		familyName: Text.nullish(),
		formatted: Text.nullish()
	})
);

/** The `schemas` of a body: its own URN, and only URNs the console knows. */
function schemasOf(required: string, allowed: readonly string[] = []) {
	const known = new Set([required, ...allowed]);
	return z
		.array(z.string().max(200), { message: '`schemas` must list the schemas of the body' })
		.max(10)
		.refine((urns) => urns.includes(required), `\`schemas\` must include ${required}`)
		.refine(
			(urns) => urns.every((urn) => known.has(urn)),
			`\`schemas\` may list only ${[...known].join(' and ')}`
		);
}

const USER_ATTRIBUTES = [
	'schemas',
	'id',
	'externalId',
	'meta',
	'userName',
	'name',
	'displayName',
	'active',
	'emails'
] as const;

/** The body of `POST /Users` and `PUT /Users/:id`. */
export const ScimUserInputSchema = z.preprocess(
	canonicalKeys(USER_ATTRIBUTES),
	z.looseObject({
		schemas: schemasOf(SCIM_URN.user, [SCIM_URN.enterpriseUser]),
		userName: EmailSchema,
		externalId: Text.nullish(),
		name: ScimNameSchema.nullish(),
		displayName: Text.nullish(),
		active: ScimBooleanSchema.optional(),
		/** Accepted, not kept: the address is `userName`. */
		emails: z
			.array(z.looseObject({ value: z.string().max(254).optional() }))
			.max(20)
			.optional()
	})
);
export type ScimUserInput = z.output<typeof ScimUserInputSchema>;

/** What the console keeps of a provisioned person, besides the account. */
export interface ScimUserState {
	userName: string;
	externalId: string | null;
	name: Record<NamePart, string | null>;
	displayName: string | null;
	active: boolean;
}

/**
 * The state a create or replace asks for. `active` left out: true for a new user, unchanged for
 * a replaced one (a PUT never reactivates by omission; deactivating is said explicitly too).
 */
export function scimStateOf(input: ScimUserInput, currentActive = true): ScimUserState {
	const given = input.name ?? {};
	return {
		userName: input.userName,
		externalId: blankToNull(input.externalId),
		name: {
			givenName: blankToNull(given.givenName),
			familyName: blankToNull(given.familyName),
			formatted: blankToNull(given.formatted)
		},
		displayName: blankToNull(input.displayName),
		active: input.active ?? currentActive
	};
}

function blankToNull(text: string | null | undefined): string | null {
	const trimmed = text?.trim();
	return trimmed ? trimmed : null;
}

/**
 * The account's name from what the provider sent: its display name, else the formatted name,
 * else given and family names, else the address's local part; at most a name's 120 characters.
 */
export function accountNameOf(state: ScimUserState): string {
	const { givenName, familyName, formatted } = state.name;
	const parts = [givenName, familyName].filter(Boolean).join(' ');
	const candidate = state.displayName ?? formatted ?? (parts || state.userName.split('@')[0]!);
	// Cut by characters, not UTF-16 units: a unit cut would leave half of an astral character.
	const parsed = NameSchema.safeParse([...candidate].slice(0, 120).join(''));
	return parsed.success ? parsed.data : state.userName;
}

// ---- the User resource ------------------------------------------------------------------------

export interface ScimUserRecord {
	id: string;
	state: ScimUserState;
	createdAt: number;
	updatedAt: number;
}

/** The User resource (RFC 7643 §4.1) of a record; `location` is the resource's full URL. */
export function scimUserResource(record: ScimUserRecord, location: string) {
	const { state } = record;
	const name = Object.fromEntries(
		NAME_PARTS.flatMap((part) => (state.name[part] === null ? [] : [[part, state.name[part]]]))
	);
	return {
		schemas: [SCIM_URN.user],
		id: record.id,
		...(state.externalId === null ? {} : { externalId: state.externalId }),
		userName: state.userName,
		...(Object.keys(name).length > 0 ? { name } : {}),
		...(state.displayName === null ? {} : { displayName: state.displayName }),
		active: state.active,
		emails: [{ value: state.userName, type: 'work', primary: true }],
		meta: {
			resourceType: 'User',
			created: new Date(record.createdAt).toISOString(),
			lastModified: new Date(record.updatedAt).toISOString(),
			location
		}
	};
}
export type ScimUserResource = ReturnType<typeof scimUserResource>;

// ---- listing and the filter -------------------------------------------------------------------

/** `GET /Users`: the query. Out-of-range numbers are brought in range (RFC 7644 §3.4.2.4). */
export const ScimListQuerySchema = z.looseObject({
	filter: z.string().max(1000, 'A filter has at most 1000 characters').optional(),
	startIndex: z.coerce
		.number('startIndex must be a number')
		.int('startIndex must be a whole number')
		.transform((index) => Math.max(1, index))
		.default(1),
	count: z.coerce
		.number('count must be a number')
		.int('count must be a whole number')
		.transform((count) => Math.min(SCIM_MAX_RESULTS, Math.max(0, count)))
		.default(SCIM_MAX_RESULTS)
});
export type ScimListQuery = z.output<typeof ScimListQuerySchema>;

/** The attributes a filter may test, each for equality. */
export const SCIM_FILTER_ATTRIBUTES = ['userName', 'externalId', 'id'] as const;
export type ScimFilter = { attribute: (typeof SCIM_FILTER_ATTRIBUTES)[number]; value: string };

const FILTER = /^\s*([A-Za-z][\w.:$-]*)\s+([A-Za-z]+)\s+("(?:[^"\\]|\\.)*")\s*$/;

/**
 * The one form of filter the console answers: `<attribute> eq "<value>"`, for `userName`,
 * `externalId` or `id`, the value a JSON string (RFC 7644 §3.4.2.2). `userName` compares without
 * regard to case, as RFC 7643 says of it.
 */
export function parseScimFilter(text: string): Outcome<{ filter: ScimFilter }, 'invalidFilter'> {
	const match = FILTER.exec(text);
	const supported = `The console answers filters of the form userName eq "ada@library.example.edu" (also externalId or id).`;
	if (!match) return fail('invalidFilter', `The filter could not be read. ${supported}`);
	const [, path, operator, quoted] = match as unknown as [string, string, string, string];
	const attribute = SCIM_FILTER_ATTRIBUTES.find(
		(name) => name.toLowerCase() === withoutCoreUrn(path).toLowerCase()
	);
	if (!attribute) return fail('invalidFilter', `${path} cannot be filtered on. ${supported}`);
	if (operator.toLowerCase() !== 'eq')
		return fail('invalidFilter', `The operator ${operator} is not supported. ${supported}`);
	let value: unknown;
	try {
		value = JSON.parse(quoted);
	} catch {
		return fail('invalidFilter', `The value ${quoted} is not a valid JSON string.`);
	}
	return succeed({
		filter: {
			attribute,
			value: attribute === 'userName' ? String(value).toLowerCase() : String(value)
		}
	});
}

/** `urn:ietf:params:scim:schemas:core:2.0:User:userName` → `userName`. */
function withoutCoreUrn(path: string): string {
	const prefix = `${SCIM_URN.user}:`;
	return path.toLowerCase().startsWith(prefix.toLowerCase()) ? path.slice(prefix.length) : path;
}

// ---- PATCH (RFC 7644 §3.5.2) ------------------------------------------------------------------

const PatchOperationSchema = z.preprocess(
	canonicalKeys(['op', 'path', 'value']),
	z.looseObject({
		op: z
			.string()
			.max(20)
			.transform((op) => op.toLowerCase())
			.pipe(z.enum(['add', 'replace', 'remove'], 'op must be add, replace or remove')),
		path: z.string().max(300, 'A path has at most 300 characters').optional(),
		value: z.unknown().optional()
	})
);
export type ScimPatchOperation = z.output<typeof PatchOperationSchema>;

export const ScimPatchSchema = z.preprocess(
	canonicalKeys(['schemas', 'Operations']),
	z.looseObject({
		schemas: schemasOf(SCIM_URN.patchOp),
		Operations: z
			.array(PatchOperationSchema, 'Operations must be a list of operations')
			.min(1, 'Operations must hold at least one operation')
			.max(100, 'At most 100 operations at once')
	})
);

/** Attributes of the core User schema and its enterprise extension that are taken and not kept. */
const UNKEPT_ATTRIBUTES = new Set(
	[
		'nickName',
		'profileUrl',
		'title',
		'userType',
		'preferredLanguage',
		'locale',
		'timezone',
		'password',
		'emails',
		'phoneNumbers',
		'ims',
		'photos',
		'addresses',
		'groups',
		'entitlements',
		'roles',
		'x509Certificates',
		'employeeNumber',
		'costCenter',
		'organization',
		'division',
		'department',
		'manager'
	].map((name) => name.toLowerCase())
);

type KeptPath = 'userName' | 'externalId' | 'displayName' | 'active' | 'name' | `name.${NamePart}`;

const KEPT_PATHS: readonly KeptPath[] = [
	'userName',
	'externalId',
	'displayName',
	'active',
	'name',
	...NAME_PARTS.map((part) => `name.${part}` as const)
];

type PathOutcome = Outcome<{ path: KeptPath | 'unkept' }, 'invalidPath' | 'mutability'>;

const ATTRIBUTE_PATH = /^([A-Za-z][\w$-]*)(\[[^\]]*\])?(\.[A-Za-z][\w$-]*)?$/;

/** What a PATCH path names: an attribute the console keeps, one it takes and ignores, or none. */
function readPath(raw: string): PathOutcome {
	if (raw.toLowerCase().startsWith(SCIM_URN.enterpriseUser.toLowerCase()))
		return succeed({ path: 'unkept' });
	const path = withoutCoreUrn(raw.trim());
	const match = ATTRIBUTE_PATH.exec(path);
	if (!match) return fail('invalidPath', `The path ${raw} could not be read.`);
	const [, attribute, filter, sub] = match as unknown as [string, string, string?, string?];
	const lower = attribute.toLowerCase();
	if (lower === 'id' || lower === 'meta' || lower === 'schemas')
		return fail('mutability', `${attribute} is set by the console and cannot be changed.`);
	if (UNKEPT_ATTRIBUTES.has(lower)) return succeed({ path: 'unkept' });
	const kept = KEPT_PATHS.find(
		(candidate) => candidate.toLowerCase() === `${attribute}${sub ?? ''}`.toLowerCase()
	);
	if (!kept || filter !== undefined)
		return fail('invalidPath', `A user has no attribute ${raw} that can be changed.`);
	return succeed({ path: kept });
}

export type ScimPatchOutcome = Outcome<
	{ state: ScimUserState },
	'invalidPath' | 'invalidValue' | 'noTarget' | 'mutability'
>;

/**
 * The user's state after the operations, in order, or why they cannot be applied (none is then).
 * A path-less `add` or `replace` takes an object of attributes (`{"active": false}`, as Entra ID
 * and Okta send it); `remove` needs a path, and clears what it names (never `userName` nor
 * `active`).
 */
export function applyScimPatch(
	current: ScimUserState,
	operations: readonly ScimPatchOperation[]
): ScimPatchOutcome {
	let state: ScimUserState = { ...current, name: { ...current.name } };
	for (const operation of operations) {
		const applied = applyOperation(state, operation);
		if (!applied.ok) return applied;
		state = applied.state;
	}
	return succeed({ state });
}

function applyOperation(state: ScimUserState, operation: ScimPatchOperation): ScimPatchOutcome {
	if (operation.path === undefined) {
		if (operation.op === 'remove')
			return fail('noTarget', 'A remove operation needs the path of what it removes.');
		const read = canonicalObject(USER_ATTRIBUTES)(operation.value);
		if (!read.ok) return fail('invalidValue', `${read.message}.`);
		const { value } = read;
		if (typeof value !== 'object' || value === null || Array.isArray(value))
			return fail(
				'invalidValue',
				`A ${operation.op} without a path takes an object of attributes.`
			);
		let next = state;
		for (const [attribute, item] of Object.entries(value)) {
			// Read-only: a client sending the whole resource back is not changing them.
			if (attribute === 'schemas' || attribute === 'id' || attribute === 'meta') continue;
			const applied = setPath(next, attribute, item);
			if (!applied.ok) return applied;
			next = applied.state;
		}
		return succeed({ state: next });
	}
	if (operation.op === 'remove') return removePath(state, operation.path);
	return setPath(state, operation.path, operation.value);
}

function setPath(state: ScimUserState, raw: string, value: unknown): ScimPatchOutcome {
	const read = readPath(raw);
	if (!read.ok) return read;
	const { path } = read;
	if (path === 'unkept') return succeed({ state });
	if (path === 'name') {
		const parsed = ScimNameSchema.nullable().safeParse(value);
		if (!parsed.success) return invalidValue(raw, parsed.error);
		const name = { ...state.name };
		for (const part of NAME_PARTS)
			if (parsed.data?.[part] !== undefined) name[part] = blankToNull(parsed.data[part]);
		return succeed({ state: { ...state, name } });
	}
	if (path.startsWith('name.')) {
		const parsed = Text.nullable().safeParse(value);
		if (!parsed.success) return invalidValue(raw, parsed.error);
		const part = path.slice('name.'.length) as NamePart;
		return succeed({
			state: { ...state, name: { ...state.name, [part]: blankToNull(parsed.data) } }
		});
	}
	switch (path) {
		case 'active': {
			const parsed = ScimBooleanSchema.safeParse(value);
			if (!parsed.success) return invalidValue(raw, parsed.error);
			return succeed({ state: { ...state, active: parsed.data } });
		}
		case 'userName': {
			const parsed = EmailSchema.safeParse(value);
			if (!parsed.success) return invalidValue(raw, parsed.error);
			return succeed({ state: { ...state, userName: parsed.data } });
		}
		default: {
			const parsed = Text.nullable().safeParse(value);
			if (!parsed.success) return invalidValue(raw, parsed.error);
			return succeed({ state: { ...state, [path]: blankToNull(parsed.data) } });
		}
	}
}

function removePath(state: ScimUserState, raw: string): ScimPatchOutcome {
	const read = readPath(raw);
	if (!read.ok) return read;
	const { path } = read;
	if (path === 'unkept') return succeed({ state });
	if (path === 'userName' || path === 'active')
		return fail('mutability', `${path} is required and cannot be removed.`);
	if (path === 'name')
		return succeed({
			state: { ...state, name: { givenName: null, familyName: null, formatted: null } }
		});
	if (path.startsWith('name.')) {
		const part = path.slice('name.'.length) as NamePart;
		return succeed({ state: { ...state, name: { ...state.name, [part]: null } } });
	}
	return succeed({ state: { ...state, [path]: null } });
}

function invalidValue(path: string, error: z.ZodError): ScimPatchOutcome {
	return fail('invalidValue', `${path}: ${firstIssue(error).message}.`);
}

// ---- the console's token panel ----------------------------------------------------------------

/** Where a person provisioned by a zone's identity provider stands (the roster's mark). */
export const PROVISIONING_STATES = ['active', 'deactivated', 'deleted'] as const;
export type ProvisioningState = (typeof PROVISIONING_STATES)[number];

/** "Provisioned by Aurora’s identity provider". */
export function provisioningMark(state: ProvisioningState, zoneName: string): string {
	const done = { active: 'Provisioned', deactivated: 'Deactivated', deleted: 'Deleted' }[state];
	return `${done} by ${zoneName}’s identity provider`;
}

export const ScimTokenInfoSchema = z.object({
	issuedAt: TimestampSchema,
	/** Who issued it; "the consortium office" for `npm run admin -- issue-scim-token`. */
	issuedByName: z.string(),
	lastUsedAt: TimestampSchema.nullable()
});
export type ScimTokenInfo = z.infer<typeof ScimTokenInfoSchema>;

export const ScimZoneSchema = z.object({
	id: IdSchema,
	name: z.string(),
	kind: ZoneKindSchema,
	emailDomains: z.array(z.string()),
	/** The zone's provisioning token, null when it has none. */
	token: ScimTokenInfoSchema.nullable(),
	/**
	 * When the zone's library left the consortium (offboarding), null while it is a member: a
	 * zone that left provisions nobody, its token is refused and no new one is issued.
	 */
	leftAt: TimestampSchema.nullable(),
	/** People its identity provider provisioned, active and deactivated. */
	active: z.number().int().nonnegative(),
	deactivated: z.number().int().nonnegative()
});
export type ScimZone = z.infer<typeof ScimZoneSchema>;

/** `GET /api/consortia/:id/scim`: every zone's provisioning, for the consortium office. */
export const ScimOverviewSchema = z.object({
	consortium: z.object({ id: IdSchema, name: z.string() }),
	/** The SCIM base URL ("tenant URL") an identity provider is given. */
	baseUrl: z.string(),
	zones: z.array(ScimZoneSchema)
});
export type ScimOverview = z.infer<typeof ScimOverviewSchema>;

/** `POST /api/consortia/:id/scim/zones/:zoneId/token`: the new token, shown this once. */
export const IssuedScimTokenSchema = z.object({
	zone: ScimZoneSchema,
	token: z.string(),
	/** An older token was replaced: it stopped working now. */
	replaced: z.boolean()
});
export type IssuedScimToken = z.infer<typeof IssuedScimTokenSchema>;
