/**
 * Ending one person's access because their zone's identity provider deactivated or deleted them,
 * with offboarding's mechanism (server/offboarding/) for one person instead of a library: the
 * facts are read from the documents that will change (every project of the zone's consortium, and
 * any other project the person is a member of), `planLeavingProject` says what goes in each, and
 * `applyLeavingProject` changes each document once as a server change, so that every extension
 * follows (the audit log and indexes, the project drop-downs, revoke-lost-access closing the
 * person's open connections). Then, in the same synchronous step: their consents to portals are
 * withdrawn, every session of the account ends (embedded ones too) with its open connections, and
 * every unused sign-in, reset and email-change link stops working.
 *
 * Unlike a library's offboarding, nothing refuses it: the identity provider decides who the zone's
 * staff are. A project whose last Project Admin the person was keeps its other members and data
 * but has no Project Admin; the governance entry names it, the server logs a warning, and the
 * consortium's operators give it one (`npm run admin -- invite-admin --project <id> --email …`).
 * Portals the person registered stay (they serve their projects' other members).
 */
import {
	isEmptyProjectPlan,
	leavingWith,
	planLeavingProject,
	type OffboardingPerson,
	type OffboardingProjectFacts,
	type OffboardingProjectPlan,
	type PersonProvisioning,
	type Zone
} from '../../src/lib/shared';
import { invalidateAccountSessions } from '../auth/sessions';
import type { AuthDb } from '../auth/settings';
import { revokeAccountLinks } from '../auth/tokens';
import { performNow } from '../db/work';
import { projectsOfAccount } from '../consortium/membership-index';
import { listProjectRecords } from '../consortium/store';
import { listGrants, removeGrant } from '../embed/grants';
import type { Log } from '../observability/log';
import {
	applyLeavingProject,
	applyLeavingSubscriptions,
	type OffboardingDeps
} from '../offboarding/apply';
import { readProject, subscriptionsTouching } from '../offboarding/facts';
import type { DocumentRegistry } from '../sync/registry';

export interface DeprovisionDeps extends OffboardingDeps {
	auth: AuthDb & { onSessionsEnded?: () => void };
	registry: DocumentRegistry;
	log: Log;
}

/** What ending a person's access did, in the counts of its governance entry. */
export type AccessEnded = Omit<
	PersonProvisioning,
	'kind' | 'act' | 'zoneId' | 'zoneName' | 'accountId' | 'name' | 'email'
>;

export function endAccessOf(
	deps: DeprovisionDeps,
	person: OffboardingPerson,
	zone: Pick<Zone, 'id' | 'name' | 'consortiumId'>
): AccessEnded {
	const { db } = deps.auth;
	const now = deps.auth.settings.now();
	const projects = projectsOf(deps, person.accountId, zone);
	const sources = { db, registry: deps.registry };
	const subscriptions = subscriptionsTouching(sources, projects, null, [person]);
	const leaving = leavingWith([person], null);
	const plans = projects
		.map((project) => planLeavingProject(project, leaving, subscriptions))
		.filter((plan) => !isEmptyProjectPlan(plan));
	const withoutAdmin = projects
		.filter((project) => isLastAdmin(project, person.accountId))
		.map(({ project }) => ({ id: project.id, name: project.name }));
	const how = {
		zoneId: null,
		requestReason: `${zone.name}’s identity provider ended ${person.name || person.email}’s access.`,
		now
	};
	for (const plan of plans) applyLeavingProject(deps, plan, how);
	for (const plan of plans) applyLeavingSubscriptions(deps.registry, plan);
	let grants = 0;
	for (const grant of listGrants(db, person.accountId))
		if (removeGrant(db, person.accountId, grant.portalId)) grants += 1;
	const sessions = invalidateAccountSessions(db, person.accountId);
	performNow(db, revokeAccountLinks({ id: person.accountId, email: person.email }));
	deps.auth.onSessionsEnded?.();
	if (withoutAdmin.length > 0)
		deps.log.warn(
			{ projects: withoutAdmin.map((project) => project.id), zoneId: zone.id },
			'a project was left without a Project Admin by its admin’s deprovisioning; give it one with npm run admin -- invite-admin'
		);
	return { ...countsOf(plans), grants, sessions, withoutAdmin };
}

/** Every project of the zone's consortium, and the person's memberships in any other. */
function projectsOf(
	deps: DeprovisionDeps,
	accountId: string,
	zone: Pick<Zone, 'id' | 'consortiumId'>
): OffboardingProjectFacts[] {
	const { db } = deps.auth;
	const ids = new Set(listProjectRecords(db, zone.consortiumId).map((record) => record.id));
	for (const id of projectsOfAccount(db, accountId)) ids.add(id);
	return [...ids].flatMap((id) => readProject(deps.registry, id, zone.id) ?? []);
}

/** The person is a Project Admin of the project, and no one else is. */
function isLastAdmin(project: OffboardingProjectFacts, accountId: string): boolean {
	const admins = project.members.filter((member) => member.role === 'admin');
	return admins.length > 0 && admins.every((admin) => admin.accountId === accountId);
}

function countsOf(
	plans: readonly OffboardingProjectPlan[]
): Omit<AccessEnded, 'grants' | 'sessions' | 'withoutAdmin'> {
	const sum = (count: (plan: OffboardingProjectPlan) => number) =>
		plans.reduce((total, plan) => total + count(plan), 0);
	return {
		projects: plans
			.filter(
				(plan) => plan.memberships.length + plan.invitations.length + plan.requests.length > 0
			)
			.map((plan) => ({ id: plan.projectId, name: plan.projectName })),
		memberships: sum((plan) => plan.memberships.length),
		invitations: sum((plan) => plan.invitations.length),
		requests: sum((plan) => plan.requests.length),
		handovers: sum((plan) => plan.handovers.length),
		subscriptionsEnded: sum((plan) => plan.subscriptions.filter((s) => s.outcome === 'end').length),
		subscriptionsTrimmed: sum(
			(plan) => plan.subscriptions.filter((s) => s.outcome === 'trim').length
		)
	};
}
