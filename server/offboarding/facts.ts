/**
 * What an offboarding plan is built from (`OffboardingFacts`, src/lib/shared/offboarding.ts):
 * the SQL indexes say who the library's people are (`zone_people`, accounts), which subscriptions
 * touch them (`subscription_schedule`) and their portals and consents (the embedding tables); the
 * documents that will change say exactly what they hold now: every project document of the
 * consortium (members, invitations, requests, hand-over requests, the zone's entry) and the data
 * views the index names, plus the zone's own views whatever the index says. All of it is read in
 * one synchronous step, so the facts are one moment's.
 */
import {
	projectDocument,
	viewDocument,
	type BoardSubscription,
	type Consortium,
	type OffboardingFacts,
	type OffboardingPerson,
	type OffboardingProjectFacts,
	type OffboardingSubscriptionFacts,
	type Zone
} from '../../src/lib/shared';
import { findAccountById } from '../auth/accounts';
import { listProjectRecords } from '../consortium/store';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import { findLastOffboarding, findUnfinishedOffboarding } from './records';

export interface FactSources {
	db: Db;
	registry: DocumentRegistry;
}

export function gatherOffboardingFacts(
	sources: FactSources,
	consortium: Consortium,
	zone: Zone
): OffboardingFacts {
	const { db } = sources;
	const projects = listProjectRecords(db, consortium.id).flatMap((record) => {
		const project = readProject(sources.registry, record.id, zone.id);
		return project ? [project] : [];
	});
	const people = peopleLeaving(db, consortium, zone, projects);
	const unfinished = findUnfinishedOffboarding(db, zone.id);
	return {
		consortium: { id: consortium.id, name: consortium.name, mode: consortium.mode },
		zone,
		people,
		projects,
		subscriptions: subscriptionsTouching(sources, projects, zone.id, people),
		portals: db
			.prepare(
				`SELECT id AS portalId, name, created_by AS createdBy FROM embed_portals
				 WHERE consortium_id = ? AND revoked_at IS NULL ORDER BY name, id`
			)
			.all(consortium.id) as OffboardingFacts['portals'],
		grants: db
			.prepare(
				`SELECT g.portal_id AS portalId, p.name AS portalName, g.account_id AS accountId
				 FROM embed_grants g JOIN embed_portals p ON p.id = g.portal_id
				 WHERE p.consortium_id = ? AND p.revoked_at IS NULL
				 AND g.account_id IN (SELECT value FROM json_each(?))
				 ORDER BY p.name, g.portal_id, g.account_id`
			)
			.all(consortium.id, idsJson(people)) as OffboardingFacts['grants'],
		unfinished: unfinished && {
			startedAt: unfinished.startedAt,
			startedByName: findAccountById(db, unfinished.startedBy)?.name || 'a deleted account'
		},
		leftAt: findLastOffboarding(db, zone.id)?.completedAt ?? null
	};
}

/** A project as its document stands, with the zone's entry there; null if it does not exist. */
export function readProject(
	registry: DocumentRegistry,
	projectId: string,
	zoneId: string
): OffboardingProjectFacts | null {
	return registry.read(projectDocument(projectId), (document) => ({
		project: document.index!.project,
		zone: document.root('zones').get(zoneId),
		views: [...document.root('views').values()],
		members: [...document.root('members').values()],
		invites: [...document.root('invites').values()],
		requests: [...document.root('requests').values()],
		handovers: [...document.root('handovers').values()]
	}));
}

/**
 * The zone's people (SQL, and members whose home zone it is in a document the index may not have
 * caught up with) who belong to no other zone of the consortium.
 */
function peopleLeaving(
	db: Db,
	consortium: Consortium,
	zone: Zone,
	projects: readonly OffboardingProjectFacts[]
): OffboardingPerson[] {
	const members = projects.flatMap((project) =>
		project.members.filter((member) => member.zoneId === zone.id).map((m) => m.accountId)
	);
	return db
		.prepare(
			`SELECT a.id AS accountId, a.name, a.email FROM accounts a
			 WHERE (a.id IN (SELECT account_id FROM zone_people WHERE zone_id = ?)
			   OR a.id IN (SELECT value FROM json_each(?)))
			 AND NOT EXISTS (SELECT 1 FROM zone_people other JOIN zones z ON z.id = other.zone_id
			   WHERE other.account_id = a.id AND z.consortium_id = ? AND other.zone_id != ?)
			 ORDER BY a.id`
		)
		.all(zone.id, JSON.stringify(members), consortium.id, zone.id) as OffboardingPerson[];
}

/**
 * Subscriptions that show the zone's data, were made by its people or are sent to them: the
 * index finds them across the projects' data views, each view holding some is read for what
 * its entries hold now. The zone's own views are read whatever the index says; with no zone
 * (one person leaving), only what the index finds for the people.
 */
export function subscriptionsTouching(
	sources: FactSources,
	projects: readonly OffboardingProjectFacts[],
	zoneId: string | null,
	people: readonly OffboardingPerson[]
): OffboardingSubscriptionFacts[] {
	const zoneViews = projects.flatMap((project) =>
		project.views
			.filter((view) => zoneId !== null && view.zoneId === zoneId)
			.map((view) => `${project.project.id}/${view.id}`)
	);
	const rows = sources.db
		.prepare(
			`SELECT project_id AS projectId, view_id AS viewId, subscription_id AS subscriptionId
			 FROM subscription_schedule s
			 WHERE project_id IN (SELECT value FROM json_each(?)) AND (
			   created_by IN (SELECT value FROM json_each(?))
			   OR EXISTS (SELECT 1 FROM json_each(s.recipients) r
			     WHERE lower(r.value) IN (SELECT value FROM json_each(?))))`
		)
		.all(
			JSON.stringify(projects.map((project) => project.project.id)),
			idsJson(people),
			JSON.stringify(people.map((person) => person.email.toLowerCase()))
		) as Array<{ projectId: string; viewId: string; subscriptionId: string }>;
	const wanted = new Map<string, Set<string> | 'all'>(zoneViews.map((view) => [view, 'all']));
	for (const row of rows) {
		const view = `${row.projectId}/${row.viewId}`;
		const ids = wanted.get(view);
		if (ids === 'all') continue;
		wanted.set(view, (ids ?? new Set()).add(row.subscriptionId));
	}
	const found: OffboardingSubscriptionFacts[] = [];
	for (const [view, ids] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
		const [projectId, viewId] = view.split('/') as [string, string];
		const project = projects.find((candidate) => candidate.project.id === projectId)!;
		const viewName = project.views.find((candidate) => candidate.id === viewId)?.name ?? viewId;
		sources.registry.read(viewDocument(projectId, viewId), (document) => {
			const boards = document.root('boards');
			const subscriptions = document.root('subscriptions');
			const held: BoardSubscription[] =
				ids === 'all'
					? [...subscriptions.values()]
					: [...ids].flatMap((id) => subscriptions.get(id) ?? []);
			for (const subscription of held.sort((a, b) => a.id.localeCompare(b.id)))
				found.push({
					projectId,
					viewId,
					viewName,
					subscription,
					boardName: boards.get(subscription.boardId)?.name ?? null
				});
		});
	}
	return found;
}

function idsJson(people: readonly OffboardingPerson[]): string {
	return JSON.stringify(people.map((person) => person.accountId));
}
