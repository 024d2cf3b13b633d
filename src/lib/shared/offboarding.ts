/**
 * Offboarding a member library (an Institution Zone) that leaves the consortium: what goes, as
 * one plan over every project of the consortium, built from facts the server gathers (SQL indexes
 * and the documents it must change), shown as a preview, applied once confirmed (docs/workflows.md,
 * "Offboarding a library"). Pure: the preview and the apply build the same plan from the same
 * facts, so what the office saw is what is done, or the apply refuses because it changed.
 *
 * What goes: every membership held in the zone; its open invitations; the pending access requests
 * of its people, and those waiting in a project the library owns; pending hand-over requests of
 * its Project Admins; subscriptions that show its data, that its people made, or that only its
 * people receive (its people are taken off the others); the portals its people registered and the
 * consents its people gave to other portals. What stays: its data views with their data, for the
 * Project Admins who remain (nobody of the zone can read them any more), the zone itself, marked
 * as left in every project (nobody can be added to it again; the audit logs keep its name), and
 * the people's accounts (they may belong to other consortia).
 */
import { z } from 'zod';
import { ManagementModeSchema, type ManagementMode, type Zone } from './consortium';
import type { HandoverRequest } from './handovers';
import { IdSchema, NameSchema, TimestampSchema } from './ids';
import { isOpenInvitation } from './invitation-lifecycle';
import type { AccessRequest, Invite, Member } from './membership';
import type { BoardSubscription } from './objects';
import { fail, OK, type Outcome } from './outcome';
import type { DataView, ProjectInfo } from './project';
import { ROLES } from './roles';
import { OffboardingCountsSchema, type OffboardingCounts } from './governance-events';

// ---- the facts the server gathers -------------------------------------------------------------

export interface OffboardingPerson {
	accountId: string;
	name: string;
	email: string;
}

/** One project of the consortium, as its document stands. */
export interface OffboardingProjectFacts {
	project: ProjectInfo;
	/** The zone's entry in this project's document (every project holds the consortium's zones). */
	zone: Zone | undefined;
	views: readonly DataView[];
	members: readonly Member[];
	invites: readonly Invite[];
	requests: readonly AccessRequest[];
	handovers: readonly HandoverRequest[];
}

/** A subscription the SQL index names as touching the zone, as its data view holds it. */
export interface OffboardingSubscriptionFacts {
	projectId: string;
	viewId: string;
	viewName: string;
	subscription: BoardSubscription;
	/** Null: the board was deleted. */
	boardName: string | null;
}

export interface OffboardingFacts {
	consortium: { id: string; name: string; mode: ManagementMode };
	zone: Zone;
	/**
	 * The people who leave with the library: its people (SQL `zone_people`, and members whose home
	 * zone it is) who belong to no other zone of the consortium. Someone who also belongs to another
	 * zone stays in the consortium through it: only the memberships they hold in this zone go.
	 */
	people: readonly OffboardingPerson[];
	projects: readonly OffboardingProjectFacts[];
	subscriptions: readonly OffboardingSubscriptionFacts[];
	/** Active portals of the consortium with who registered them (an account id; null: the office). */
	portals: ReadonlyArray<{ portalId: string; name: string; createdBy: string | null }>;
	/** Consents people of the zone gave to active portals of the consortium. */
	grants: ReadonlyArray<{ portalId: string; portalName: string; accountId: string }>;
	/** An offboarding of the zone that began and did not finish. */
	unfinished: { startedAt: number; startedByName: string } | null;
	/** When the zone's last offboarding finished; null if it never was. */
	leftAt: number | null;
}

// ---- the plan ------------------------------------------------------------------------------

const RoleOutputSchema = z.enum(ROLES);
const Text = z.string();

export const OFFBOARDED_SUBSCRIPTION_REASONS = [
	'shows-its-data',
	'made-by-its-people',
	'only-its-people',
	'some-of-its-people'
] as const;
export type OffboardedSubscriptionReason = (typeof OFFBOARDED_SUBSCRIPTION_REASONS)[number];

export const OffboardingProjectPlanSchema = z.object({
	projectId: IdSchema,
	projectName: Text,
	memberships: z.array(
		z.object({ accountId: IdSchema, name: Text, email: Text, role: RoleOutputSchema })
	),
	invitations: z.array(
		z.object({ inviteId: IdSchema, email: Text, role: RoleOutputSchema, status: Text })
	),
	requests: z.array(
		z.object({
			requestId: IdSchema,
			kind: z.enum(['join', 'subscription']),
			requesterName: Text,
			requesterEmail: Text
		})
	),
	handovers: z.array(z.object({ handoverId: IdSchema, askedByName: Text, askedOfName: Text })),
	/** Ended (`end`), or going on for others with the library's people taken off (`trim`). */
	subscriptions: z.array(
		z.object({
			viewId: IdSchema,
			viewName: Text,
			subscriptionId: IdSchema,
			boardName: Text,
			outcome: z.enum(['end', 'trim']),
			reason: z.enum(OFFBOARDED_SUBSCRIPTION_REASONS),
			/** The addresses of the library's people on it. */
			recipients: z.array(Text)
		})
	),
	/** The zone's data views here: they stay, with their data, for the Project Admins who remain. */
	keptViews: z.array(z.object({ viewId: IdSchema, viewName: Text })),
	/** The zone is not marked as left in this project's document yet. */
	marksZoneLeft: z.boolean()
});
export type OffboardingProjectPlan = z.infer<typeof OffboardingProjectPlanSchema>;

export const OffboardingRefusalSchema = z.object({
	code: z.literal('last-admin'),
	projectId: IdSchema,
	projectName: Text,
	message: Text
});
export type OffboardingRefusal = z.infer<typeof OffboardingRefusalSchema>;

/** `GET /api/consortia/:id/offboarding/:zoneId`: the preview. */
export const OffboardingPlanSchema = z.object({
	consortium: z.object({ id: IdSchema, name: Text, mode: ManagementModeSchema }),
	zone: z.object({ id: IdSchema, name: Text }),
	/** The account ids of the people who leave with it (`OffboardingFacts.people`). */
	people: z.array(IdSchema),
	/** The projects where something changes, in the consortium's order of names. */
	projects: z.array(OffboardingProjectPlanSchema),
	portals: z.array(z.object({ portalId: IdSchema, name: Text, registeredByName: Text })),
	grants: z.array(
		z.object({ portalId: IdSchema, portalName: Text, accountId: IdSchema, name: Text })
	),
	/** Why it cannot be applied (a project that would keep no Project Admin); empty: it can. */
	refusals: z.array(OffboardingRefusalSchema),
	counts: OffboardingCountsSchema,
	unfinished: z.object({ startedAt: TimestampSchema, startedByName: Text }).nullable(),
	leftAt: TimestampSchema.nullable(),
	/** What the apply must send back: the plan it was shown, so that a changed plan is refused. */
	fingerprint: Text
});
export type OffboardingPlan = z.infer<typeof OffboardingPlanSchema>;
export type UnsignedOffboardingPlan = Omit<OffboardingPlan, 'fingerprint'>;

export function planOffboarding(facts: OffboardingFacts): UnsignedOffboardingPlan {
	const zoneId = facts.zone.id;
	const leaving = leavingWith(facts.people, facts.zone);
	const names = new Map(facts.people.map((person) => [person.accountId, person.name]));
	for (const project of facts.projects)
		for (const member of project.members)
			if (!names.get(member.accountId)) names.set(member.accountId, member.name);
	const nameOf = (accountId: string | null) =>
		accountId === null ? 'the consortium office' : names.get(accountId) || 'a former member';
	const projects = facts.projects.map((project) =>
		planLeavingProject(project, leaving, facts.subscriptions)
	);
	const touched = projects.filter((project) => !isEmptyProjectPlan(project));
	const revoked = facts.portals.filter(
		(portal) => portal.createdBy !== null && leaving.people.has(portal.createdBy)
	);
	const revokedIds = new Set(revoked.map((portal) => portal.portalId));
	const grants = facts.grants
		.filter((grant) => leaving.people.has(grant.accountId) && !revokedIds.has(grant.portalId))
		.map((grant) => ({ ...grant, name: nameOf(grant.accountId) }));
	const plan: UnsignedOffboardingPlan = {
		consortium: facts.consortium,
		zone: { id: zoneId, name: facts.zone.name },
		people: [...leaving.people.keys()].sort(),
		projects: touched,
		portals: revoked.map((portal) => ({
			portalId: portal.portalId,
			name: portal.name,
			registeredByName: nameOf(portal.createdBy)
		})),
		grants,
		refusals: facts.projects.flatMap((project) => lastAdminRefusal(project, zoneId, facts.zone)),
		counts: EMPTY_COUNTS,
		unfinished: facts.unfinished,
		leftAt: facts.leftAt
	};
	return { ...plan, counts: countOffboardingItems(offboardingItems(plan)) };
}

/**
 * Who leaves: people, by account and by address, and the zone that leaves with them (a library's
 * offboarding), or none (one person, whose zone's identity provider ended their access).
 */
export interface Leaving {
	people: ReadonlyMap<string, OffboardingPerson>;
	/** Their addresses, lower-cased. */
	emails: ReadonlySet<string>;
	zone: Pick<Zone, 'id' | 'name'> | null;
}

export function leavingWith(
	people: readonly OffboardingPerson[],
	zone: Pick<Zone, 'id' | 'name'> | null
): Leaving {
	return {
		people: new Map(people.map((person) => [person.accountId, person])),
		emails: new Set(people.map((person) => person.email.toLowerCase())),
		zone
	};
}

/**
 * What leaving takes from one project: with a zone, everything of the zone (its memberships,
 * invitations, requests, data views' subscriptions) and of its people; without one, the people's
 * own memberships, invitations to their addresses, their requests, hand-over requests and
 * subscriptions, whatever zone they hold them in.
 */
export function planLeavingProject(
	facts: OffboardingProjectFacts,
	leaving: Leaving,
	subscriptions: readonly OffboardingSubscriptionFacts[]
): OffboardingProjectPlan {
	const { project } = facts;
	const zoneId = leaving.zone?.id ?? null;
	const memberGoes = (member: Member) =>
		zoneId === null ? leaving.people.has(member.accountId) : member.zoneId === zoneId;
	const goes = (accountId: string) =>
		leaving.people.has(accountId) ||
		facts.members.some((m) => m.accountId === accountId && memberGoes(m));
	const zoneViews = new Set(
		zoneId === null ? [] : facts.views.filter((v) => v.zoneId === zoneId).map((v) => v.id)
	);
	const personName = (accountId: string) =>
		facts.members.find((m) => m.accountId === accountId)?.name ||
		leaving.people.get(accountId)?.name ||
		'a former member';
	return {
		projectId: project.id,
		projectName: project.name,
		memberships: facts.members
			.filter(memberGoes)
			.map(({ accountId, name, email, role }) => ({ accountId, name, email, role }))
			.sort(byName),
		invitations: facts.invites
			.filter(
				(invite) =>
					isOpenInvitation(invite) &&
					(zoneId === null
						? leaving.emails.has(invite.email.toLowerCase())
						: invite.zoneId === zoneId)
			)
			.map(({ id, email, role, status }) => ({ inviteId: id, email, role, status })),
		requests: facts.requests
			.filter(
				(request) =>
					request.status === 'pending' &&
					(leaving.people.has(request.requesterId) ||
						(zoneId !== null &&
							(request.requesterZoneId === zoneId || project.ownerZoneId === zoneId)))
			)
			.map((request) => ({
				requestId: request.id,
				kind: request.kind,
				requesterName: request.requesterName,
				requesterEmail: request.requesterEmail
			})),
		handovers: facts.handovers
			.filter(
				(handover) =>
					handover.status === 'pending' && (goes(handover.askedBy) || goes(handover.askedOf))
			)
			.map((handover) => ({
				handoverId: handover.id,
				askedByName: personName(handover.askedBy),
				askedOfName: personName(handover.askedOf)
			})),
		subscriptions: subscriptions
			.filter((found) => found.projectId === project.id)
			.flatMap((found) => planSubscription(found, zoneViews, leaving.people, leaving.emails)),
		keptViews: facts.views
			.filter((view) => zoneViews.has(view.id))
			.map((view) => ({ viewId: view.id, viewName: view.name || leaving.zone!.name })),
		marksZoneLeft: zoneId !== null && facts.zone !== undefined && facts.zone.leftAt === undefined
	};
}

function planSubscription(
	found: OffboardingSubscriptionFacts,
	zoneViews: ReadonlySet<string>,
	leaving: ReadonlyMap<string, OffboardingPerson>,
	leavingEmails: ReadonlySet<string>
): OffboardingProjectPlan['subscriptions'] {
	const { subscription } = found;
	const recipients = subscription.recipients.filter((email) =>
		leavingEmails.has(email.toLowerCase())
	);
	const reason: OffboardedSubscriptionReason | null = zoneViews.has(found.viewId)
		? 'shows-its-data'
		: leaving.has(subscription.createdBy)
			? 'made-by-its-people'
			: recipients.length === subscription.recipients.length
				? 'only-its-people'
				: recipients.length > 0
					? 'some-of-its-people'
					: null;
	if (reason === null) return [];
	return [
		{
			viewId: found.viewId,
			viewName: found.viewName,
			subscriptionId: subscription.id,
			boardName: found.boardName ?? 'a deleted board',
			outcome: reason === 'some-of-its-people' ? 'trim' : 'end',
			reason,
			recipients
		}
	];
}

/**
 * A project whose Project Admins are all of the leaving zone would keep none. The office is not
 * the project's admin: it refuses, and says how to give the project another one first.
 */
function lastAdminRefusal(
	facts: OffboardingProjectFacts,
	zoneId: string,
	zone: Zone
): OffboardingRefusal[] {
	const admins = facts.members.filter((member) => member.role === 'admin');
	if (admins.length === 0 || admins.some((admin) => admin.zoneId !== zoneId)) return [];
	return [
		{
			code: 'last-admin',
			projectId: facts.project.id,
			projectName: facts.project.name,
			message: `${facts.project.name} would have no Project Admin left: its Project Admins are all of ${zone.name}. Give it a Project Admin from the Network Zone first (npm run admin -- invite-admin --project ${facts.project.id} --email …, or a request to join it as Project Admin), then offboard ${zone.name}.`
		}
	];
}

export function isEmptyProjectPlan(project: OffboardingProjectPlan): boolean {
	return (
		!project.marksZoneLeft &&
		project.memberships.length === 0 &&
		project.invitations.length === 0 &&
		project.requests.length === 0 &&
		project.handovers.length === 0 &&
		project.subscriptions.length === 0
	);
}

const byName = (a: { name: string; email: string }, b: { name: string; email: string }) =>
	(a.name || a.email).localeCompare(b.name || b.email) || a.email.localeCompare(b.email);

// ---- items: what a plan does, one key each ---------------------------------------------------

/**
 * One key per thing the plan does ("membership:p1:ada"). An offboarding that a crash cut short
 * keeps the keys of every run until it finishes, so that its one audit entry counts all it did.
 */
export function offboardingItems(plan: Omit<UnsignedOffboardingPlan, 'counts'>): string[] {
	return [
		...plan.people.map((accountId) => `person:${accountId}`),
		...plan.projects.flatMap((project) => {
			const at = project.projectId;
			return [
				`project:${at}`,
				...project.memberships.map((m) => `membership:${at}:${m.accountId}`),
				...project.invitations.map((i) => `invitation:${at}:${i.inviteId}`),
				...project.requests.map((r) => `request:${at}:${r.requestId}`),
				...project.handovers.map((h) => `handover:${at}:${h.handoverId}`),
				...project.subscriptions.map(
					(s) =>
						`${s.outcome === 'end' ? 'subscription-ended' : 'subscription-trimmed'}:${at}:${s.viewId}:${s.subscriptionId}`
				)
			];
		}),
		...plan.portals.map((portal) => `portal:${portal.portalId}`),
		...plan.grants.map((grant) => `grant:${grant.portalId}:${grant.accountId}`)
	];
}

const ITEM_COUNTS: Record<string, keyof OffboardingCounts> = {
	person: 'people',
	membership: 'memberships',
	invitation: 'invitations',
	request: 'requests',
	handover: 'handovers',
	'subscription-ended': 'subscriptionsEnded',
	'subscription-trimmed': 'subscriptionsTrimmed',
	portal: 'portals',
	grant: 'grants'
};

const EMPTY_COUNTS: OffboardingCounts = {
	people: 0,
	memberships: 0,
	invitations: 0,
	requests: 0,
	handovers: 0,
	subscriptionsEnded: 0,
	subscriptionsTrimmed: 0,
	portals: 0,
	grants: 0
};

export function countOffboardingItems(items: Iterable<string>): OffboardingCounts {
	const counts = { ...EMPTY_COUNTS };
	for (const item of new Set(items)) {
		const count = ITEM_COUNTS[item.slice(0, item.indexOf(':'))];
		if (count) counts[count] += 1;
	}
	return counts;
}

/** The projects the items changed. */
export function offboardedProjectIds(items: Iterable<string>): string[] {
	return [...new Set(items)]
		.filter((item) => item.startsWith('project:'))
		.map((item) => item.slice('project:'.length));
}

/** Whether applying the plan would change anything at all. */
export function offboardingHasWork(plan: UnsignedOffboardingPlan): boolean {
	return offboardingItems(plan).some((item) => !item.startsWith('person:'));
}

// ---- applying ------------------------------------------------------------------------------

/** `POST /api/consortia/:id/offboarding/:zoneId`. */
export const OffboardingApplyRequestSchema = z.object({
	/** The preview's fingerprint: the plan the office saw and confirmed. */
	fingerprint: z.string().min(1, 'Preview the offboarding first').max(200),
	/** The library's name, typed by the person to confirm. */
	confirmation: z.string().max(300)
});
export type OffboardingApplyRequest = z.infer<typeof OffboardingApplyRequestSchema>;

export type OffboardingApplyCheck = Outcome<
	object,
	'offboarding-refused' | 'offboarding-changed' | 'confirmation-mismatch'
>;

/**
 * Whether the plan, rebuilt from the live documents, may be applied for this request: nothing
 * refuses it, it is the plan the person was shown, and they typed the library's name.
 */
export function checkOffboardingApply(
	plan: OffboardingPlan,
	request: OffboardingApplyRequest
): OffboardingApplyCheck {
	if (plan.refusals.length > 0)
		return fail('offboarding-refused', plan.refusals.map((refusal) => refusal.message).join(' '));
	if (plan.fingerprint !== request.fingerprint)
		return fail(
			'offboarding-changed',
			`Something of ${plan.zone.name} changed since the preview (a member, an invitation, a request, a subscription or a portal). Nothing was changed: look at the new preview and apply again.`
		);
	if (!confirms(plan.zone.name, request.confirmation))
		return fail('confirmation-mismatch', `Type the library's name, ${plan.zone.name}, to confirm.`);
	return OK;
}

/** The typed name confirms the library's, whatever its case and spacing. */
export function confirms(name: string, typed: string): boolean {
	const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
	return normal(typed) !== '' && normal(typed) === normal(name);
}

/** The reason given to a requester whose pending request the offboarding closed. */
export function offboardedRequestReason(zoneName: string): string {
	return `${zoneName} left the consortium.`;
}

/** `POST /api/consortia/:id/offboarding/:zoneId`: what was done. */
export const OffboardingResultSchema = z.object({
	zone: z.object({ id: IdSchema, name: Text }),
	completedAt: TimestampSchema,
	counts: OffboardingCountsSchema,
	projects: z.array(z.object({ id: IdSchema, name: Text })),
	/** The one governance entry, in the consortium's log: its sentence. */
	sentence: Text
});
export type OffboardingResult = z.infer<typeof OffboardingResultSchema>;

// ---- choosing a library ----------------------------------------------------------------------

/** `GET /api/consortia/:id/offboarding`: the member libraries, with where each stands. */
export const OffboardingZonesSchema = z.object({
	consortium: z.object({ id: IdSchema, name: NameSchema, mode: ManagementModeSchema }),
	zones: z.array(
		z.object({
			id: IdSchema,
			name: Text,
			/** People of the zone (SQL `zone_people`). */
			people: z.number().int().nonnegative(),
			leftAt: TimestampSchema.nullable(),
			unfinished: z.boolean()
		})
	)
});
export type OffboardingZones = z.infer<typeof OffboardingZonesSchema>;
