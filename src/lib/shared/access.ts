/**
 * "Why has access" (docs/workflows.md): for a zone (a library) or a person, every membership that
 * reaches data, with its role, its data views and the path that gave it, in plain words. The
 * shapes the API answers with, who may ask (`accessReach`), which memberships reach a zone's data
 * (`viewsShowingZone`), and the one sentence per path (`describeAccessPath`) that the console page
 * and the CSV file both print.
 */
import { z } from 'zod';
import {
	ManagementModeSchema,
	ZoneKindSchema,
	type ManagementMode,
	type ZoneKind
} from './consortium';
import { formatDate } from './human-format';
import { IdSchema, NameSchema, TimestampSchema } from './ids';
import type { DataView, Scope } from './project';
import { ROLES, ROLE_LABELS, type Role } from './roles';

// ---- who may ask --------------------------------------------------------------------------------

/** A membership of a consortium's project, with the kind of the member's home zone. */
export interface ZoneMembership {
	role: Role;
	zoneId: string;
	zoneKind: ZoneKind;
}

/**
 * A Network Zone Project Admin: a Project Admin, with the Network Zone as home zone, of any project
 * of the consortium. They answer for every zone (the roster, "why has access").
 */
export function isNetworkZoneAdmin(
	memberships: readonly Omit<ZoneMembership, 'zoneId'>[]
): boolean {
	return memberships.some((m) => m.role === 'admin' && m.zoneKind === 'network');
}

/** Whose access a person may look into: every zone, some zones (possibly none). */
export type AccessReach = { everyZone: true } | { everyZone: false; zoneIds: readonly string[] };

/**
 * The Network Zone's Project Admins look into every zone. In institution-zone management a
 * library runs its own project, so its own Project Admins (home zone that Institution Zone) look
 * into their zone; in network-zone management the office manages every account and nobody else.
 */
export function accessReach(
	mode: ManagementMode,
	memberships: readonly ZoneMembership[]
): AccessReach {
	if (isNetworkZoneAdmin(memberships)) return { everyZone: true };
	if (mode !== 'institution-zone') return { everyZone: false, zoneIds: [] };
	const zoneIds = memberships
		.filter((m) => m.role === 'admin' && m.zoneKind === 'institution')
		.map((m) => m.zoneId);
	return { everyZone: false, zoneIds: [...new Set(zoneIds)] };
}

export function reachesZone(reach: AccessReach, zoneId: string): boolean {
	return reach.everyZone || reach.zoneIds.includes(zoneId);
}

export function reachesAnyZone(reach: AccessReach): boolean {
	return reach.everyZone || reach.zoneIds.length > 0;
}

export const NOT_ACCESS_REVIEWER_MESSAGE =
	"Only the Network Zone's Project Admins, and in institution-zone management a library's own Project Admins, can see who has access.";

// ---- which memberships reach a zone's data ------------------------------------------------------

/**
 * The data views of a project that show a zone's data: the zone's own views, and the global views
 * (which show every institution's). An auditor's question is who *can* see the data, so a global
 * view counts for every zone.
 */
export function viewsShowingZone(views: readonly DataView[], zoneId: string): DataView[] {
	return views.filter((view) => view.zoneId === zoneId || view.kind === 'global');
}

/** Whether a member with this scope can open one of the views (none: nobody can). */
export function scopeReaches(scope: Scope, viewIds: readonly string[]): boolean {
	if (viewIds.length === 0) return false;
	return scope === 'all' || scope.some((viewId) => viewIds.includes(viewId));
}

// ---- the answer ---------------------------------------------------------------------------------

/**
 * How a membership began, as the server recorded it (never what a client wrote):
 * - `invitation`: invited (an Accept Invite link was mailed), then accepted;
 * - `existing-account`: invited with an address that had an account, so added at once;
 * - `request`: a Network Zone user asked to join, and a Project Admin approved;
 * - `direct`: added outright, by the consortium office (`npm run admin`, the demo) or a person;
 * - `unrecorded`: a member from before access paths were recorded, with nothing in the audit log.
 */
export const ACCESS_PATHS = [
	'invitation',
	'existing-account',
	'request',
	'direct',
	'unrecorded'
] as const;
export type AccessPathKind = (typeof ACCESS_PATHS)[number];

export const ACCESS_PATH_LABELS: Record<AccessPathKind, string> = {
	invitation: 'Invitation',
	'existing-account': 'Existing user added',
	request: 'Approved request',
	direct: 'Added directly',
	unrecorded: 'Not recorded'
};

/** Who did it: the consortium office (the server's own act), or a person (null: account deleted). */
export const AccessActorSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('office') }),
	z.object({ kind: z.literal('person'), accountId: IdSchema, name: z.string().nullable() })
]);
export type AccessActor = z.infer<typeof AccessActorSchema>;

const AccessActSchema = z.object({ by: AccessActorSchema, at: TimestampSchema });

export const AccessPathSchema = z.object({
	kind: z.enum(ACCESS_PATHS),
	/** The inviter, the approver, who added them; null when not recorded. */
	by: AccessActorSchema.nullable(),
	/** When the invitation was made, or the request asked. */
	askedAt: TimestampSchema.nullable(),
	/** When the membership began: accepted, approved, added (unrecorded: the join date). */
	grantedAt: TimestampSchema.nullable(),
	/** The last change of the role since, by whom (the role is the one shown). */
	roleSet: AccessActSchema.nullable(),
	/** The last change of the data views since. */
	viewsSet: AccessActSchema.nullable()
});
export type AccessPath = z.infer<typeof AccessPathSchema>;

const ZoneRefSchema = z.object({ id: IdSchema, name: z.string(), kind: ZoneKindSchema });

export const AccessGrantSchema = z.object({
	projectId: IdSchema,
	projectName: z.string(),
	role: z.enum(ROLES),
	/** The member's home zone in the project. */
	homeZone: ZoneRefSchema,
	/** Every data view the membership opens; `allViews` when its scope is all of them. */
	allViews: z.boolean(),
	views: z.array(z.object({ id: IdSchema, name: z.string() })),
	path: AccessPathSchema
});
export type AccessGrant = z.infer<typeof AccessGrantSchema>;

const PersonRefSchema = z.object({ accountId: IdSchema, name: z.string(), email: z.string() });
export type AccessPersonRef = z.infer<typeof PersonRefSchema>;

export const AccessPersonSchema = PersonRefSchema.extend({ grants: z.array(AccessGrantSchema) });
export type AccessPerson = z.infer<typeof AccessPersonSchema>;

const ConsortiumRefSchema = z.object({
	id: IdSchema,
	name: NameSchema,
	mode: ManagementModeSchema
});

/** `GET /api/consortia/:id/access`: the zones the asker may look into. */
export const AccessScopeSchema = z.object({
	consortium: ConsortiumRefSchema,
	everyZone: z.boolean(),
	zones: z.array(ZoneRefSchema)
});
export type AccessScope = z.infer<typeof AccessScopeSchema>;

/** Everyone whose memberships reach a zone's data, or one person's memberships. */
export const AccessReportSchema = z.object({
	consortium: ConsortiumRefSchema,
	subject: z.discriminatedUnion('kind', [
		z.object({ kind: z.literal('zone'), zone: ZoneRefSchema }),
		z.object({ kind: z.literal('person'), person: PersonRefSchema })
	]),
	people: z.array(AccessPersonSchema)
});
export type AccessReport = z.infer<typeof AccessReportSchema>;

/** At most this many people answer a search. */
export const ACCESS_SEARCH_LIMIT = 20;

export const AccessSearchQuerySchema = z.object({
	search: z
		.string()
		.trim()
		.min(2, 'Type at least 2 letters of a name or address')
		.max(120, 'At most 120 characters')
});

export const AccessPeopleFoundSchema = z.object({
	people: z.array(PersonRefSchema),
	/** More people match than were sent: type more of the name. */
	more: z.boolean()
});
export type AccessPeopleFound = z.infer<typeof AccessPeopleFoundSchema>;

/** An IANA time zone the runtime knows ("Europe/Oslo", "UTC"). */
export const TimeZoneSchema = z
	.string()
	.max(64)
	.refine(isTimeZone, { message: 'Not a time zone this server knows' });

function isTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

/** The dates of a CSV file's sentences are in the reader's time zone, which the console sends. */
export const AccessCsvQuerySchema = z.object({ timeZone: TimeZoneSchema.default('UTC') });

// ---- in words -----------------------------------------------------------------------------------

/** "Invited by Ada Admin on 3 Nov 2026, accepted 4 Nov 2026. Made Project Admin by Ben Admin on 5 Dec 2026." */
export function describeAccessPath(
	person: Pick<AccessPersonRef, 'accountId'>,
	grant: Pick<AccessGrant, 'role' | 'path'>,
	timeZone?: string
): string {
	const { path } = grant;
	const on = (time: number | null) => (time === null ? '' : ` on ${formatDate(time, timeZone)}`);
	const by = path.by ? actorWords(path.by) : 'someone not recorded';
	const sentences = [howItBegan(path, by, on, timeZone)];
	if (path.roleSet) {
		const role = ROLE_LABELS[grant.role];
		sentences.push(
			isSelf(path.roleSet.by, person.accountId)
				? `Changed their own role to ${role}${on(path.roleSet.at)}`
				: `Made ${role} by ${actorWords(path.roleSet.by)}${on(path.roleSet.at)}`
		);
	}
	if (path.viewsSet)
		sentences.push(`Data views changed by ${actorWords(path.viewsSet.by)}${on(path.viewsSet.at)}`);
	return sentences.map((sentence) => `${sentence}.`).join(' ');
}

function howItBegan(
	path: AccessPath,
	by: string,
	on: (time: number | null) => string,
	timeZone: string | undefined
): string {
	const accepted =
		path.grantedAt === null ? '' : `, accepted ${formatDate(path.grantedAt, timeZone)}`;
	switch (path.kind) {
		case 'invitation':
			return `Invited by ${by}${on(path.askedAt)}${accepted}`;
		case 'existing-account':
			return `Added as an existing user by ${by}${on(path.grantedAt)}`;
		case 'request':
			return `Asked to join${on(path.askedAt)}, approved by ${by}${on(path.grantedAt)}`;
		case 'direct':
			return `Added by ${by}${on(path.grantedAt)}`;
		case 'unrecorded':
			return path.grantedAt === null
				? 'How access was given is not known (before access paths were recorded)'
				: `Member since ${formatDate(path.grantedAt, timeZone)}; how access was given is not known (before access paths were recorded)`;
	}
}

/** "the consortium office", "Ada Admin", "a deleted account". */
export function actorWords(actor: AccessActor): string {
	if (actor.kind === 'office') return 'the consortium office';
	return actor.name || 'a deleted account';
}

function isSelf(actor: AccessActor, accountId: string): boolean {
	return actor.kind === 'person' && actor.accountId === accountId;
}

/** "All data views", or their names. */
export function describeViews(grant: Pick<AccessGrant, 'allViews' | 'views'>): string {
	if (grant.allViews) return 'All data views';
	return grant.views.map((view) => view.name).join(', ') || 'None';
}
