/**
 * "Why has access" (docs/workflows.md), answered from SQL only: the membership index, the access
 * paths (access_grants), zones, projects and accounts. No project document is opened, so the
 * answer costs the same whether documents are loaded or not, and holds nothing but membership
 * facts. A project's data views are the ones it was made with (`dataViewsFor`: they follow from
 * the consortium's zones and never change).
 *
 * Who may ask is the shared rule (`accessReach`): the Network Zone's Project Admins for every zone
 * and person; in institution-zone management a library's own Project Admins for their zone, and
 * for a person only as far as that person's memberships reach their zone.
 */
import {
	ACCESS_SEARCH_LIMIT,
	accessReach,
	fail,
	NOT_ACCESS_REVIEWER_MESSAGE,
	reachesAnyZone,
	reachesZone,
	scopeReaches,
	succeed,
	viewsShowingZone,
	type AccessActor,
	type AccessGrant,
	type AccessPath,
	type AccessPathKind,
	type AccessPeopleFound,
	type AccessPerson,
	type AccessPersonRef,
	type AccessReach,
	type AccessReport,
	type AccessScope,
	type Consortium,
	type DataView,
	type Outcome,
	type Role,
	type Scope,
	type Zone,
	type ZoneKind
} from '../../src/lib/shared';
import { dataViewsFor } from '../consortium/projects';
import { findConsortium, listProjectRecords } from '../consortium/store';
import { zoneMembershipsOf } from '../consortium/zone-memberships';
import type { Db } from '../db/database';

export type AccessFailureCode =
	'consortium-not-found' | 'not-access-reviewer' | 'zone-not-found' | 'person-not-found';

interface GrantRow {
	projectId: string;
	accountId: string;
	name: string;
	email: string;
	role: Role;
	zoneId: string;
	zoneName: string;
	zoneKind: ZoneKind;
	scope: string;
	path: AccessPathKind | null;
	grantedBy: string | null;
	grantedByName: string | null;
	askedAt: number | null;
	grantedAt: number | null;
	roleSetBy: string | null;
	roleSetByName: string | null;
	roleSetAt: number | null;
	viewsSetBy: string | null;
	viewsSetByName: string | null;
	viewsSetAt: number | null;
}

const SELECT_GRANTS = `SELECT m.project_id AS projectId, m.account_id AS accountId, a.name, a.email,
	m.role, m.zone_id AS zoneId, z.name AS zoneName, z.kind AS zoneKind, m.scope,
	g.path, g.granted_by AS grantedBy, gb.name AS grantedByName, g.asked_at AS askedAt,
	g.granted_at AS grantedAt, g.role_set_by AS roleSetBy, rb.name AS roleSetByName,
	g.role_set_at AS roleSetAt, g.views_set_by AS viewsSetBy, vb.name AS viewsSetByName,
	g.views_set_at AS viewsSetAt
	FROM memberships m
	JOIN accounts a ON a.id = m.account_id
	JOIN zones z ON z.id = m.zone_id
	LEFT JOIN access_grants g ON g.project_id = m.project_id AND g.account_id = m.account_id
	LEFT JOIN accounts gb ON gb.id = g.granted_by
	LEFT JOIN accounts rb ON rb.id = g.role_set_by
	LEFT JOIN accounts vb ON vb.id = g.views_set_by`;

interface ConsortiumProject {
	id: string;
	name: string;
	views: DataView[];
}

/** The consortium as the asker may look into it, or why not. */
interface Asker {
	consortium: Consortium;
	reach: AccessReach;
	projects: Map<string, ConsortiumProject>;
}

function askerOf(
	db: Db,
	consortiumId: string,
	askerId: string
): Outcome<{ asker: Asker }, 'consortium-not-found' | 'not-access-reviewer'> {
	const consortium = findConsortium(db, consortiumId);
	if (!consortium) return fail('consortium-not-found', 'There is no such consortium.');
	const reach = accessReach(consortium.mode, zoneMembershipsOf(db, consortiumId, askerId));
	if (!reachesAnyZone(reach)) return fail('not-access-reviewer', NOT_ACCESS_REVIEWER_MESSAGE);
	const projects = new Map(
		listProjectRecords(db, consortiumId).map((record) => [
			record.id,
			{ id: record.id, name: record.name, views: dataViewsFor(consortium, record.ownerZoneId) }
		])
	);
	return succeed({ asker: { consortium, reach, projects } });
}

/** The zones the asker may look into, for the console's picker. */
export function accessScopeFor(
	db: Db,
	consortiumId: string,
	askerId: string
): Outcome<{ scope: AccessScope }, 'consortium-not-found' | 'not-access-reviewer'> {
	const found = askerOf(db, consortiumId, askerId);
	if (!found.ok) return found;
	const { consortium, reach } = found.asker;
	return succeed({
		scope: {
			consortium: consortiumRef(consortium),
			everyZone: reach.everyZone,
			zones: consortium.zones.filter((zone) => reachesZone(reach, zone.id)).map(zoneRef)
		}
	});
}

/** Everyone whose memberships reach the zone's data, each with those memberships. */
export function accessToZone(
	db: Db,
	consortiumId: string,
	zoneId: string,
	askerId: string
): Outcome<{ report: AccessReport }, AccessFailureCode> {
	const found = askerOf(db, consortiumId, askerId);
	if (!found.ok) return found;
	const { asker } = found;
	const zone = asker.consortium.zones.find((candidate) => candidate.id === zoneId);
	if (!zone) return fail('zone-not-found', 'There is no such zone in this consortium.');
	if (!reachesZone(asker.reach, zone.id))
		return fail('not-access-reviewer', 'You can see who has access to your own zone only.');
	return succeed({
		report: {
			consortium: consortiumRef(asker.consortium),
			subject: { kind: 'zone', zone: zoneRef(zone) },
			people: peopleOf(asker, grantsReachingZone(db, asker, zone.id))
		}
	});
}

/** The person's memberships, as far as the asker may look into them. */
export function accessOfPerson(
	db: Db,
	consortiumId: string,
	accountId: string,
	askerId: string
): Outcome<{ report: AccessReport }, AccessFailureCode> {
	const found = askerOf(db, consortiumId, askerId);
	if (!found.ok) return found;
	const { asker } = found;
	const rows = (
		db
			.prepare(
				`${SELECT_GRANTS}
				 WHERE m.account_id = ? AND m.project_id IN (SELECT id FROM projects WHERE consortium_id = ?)`
			)
			.all(accountId, consortiumId) as GrantRow[]
	).filter((row) => visibleTo(asker, row));
	const [person] = peopleOf(asker, rows);
	if (!person)
		return fail('person-not-found', 'Nobody by that account has access you can look into.');
	return succeed({
		report: {
			consortium: consortiumRef(asker.consortium),
			subject: { kind: 'person', person: personRef(person) },
			people: [person]
		}
	});
}

/** People whose name or address contains the text, among those the asker may look into. */
export function findPeopleWithAccess(
	db: Db,
	consortiumId: string,
	search: string,
	askerId: string
): Outcome<{ found: AccessPeopleFound }, 'consortium-not-found' | 'not-access-reviewer'> {
	const found = askerOf(db, consortiumId, askerId);
	if (!found.ok) return found;
	const { asker } = found;
	const matches = asker.reach.everyZone
		? (db
				.prepare(
					`SELECT DISTINCT a.id AS accountId, a.name, a.email
					 FROM memberships m JOIN projects p ON p.id = m.project_id
					 JOIN accounts a ON a.id = m.account_id
					 WHERE p.consortium_id = ? AND (a.name LIKE ? ESCAPE '\\' OR a.email LIKE ? ESCAPE '\\')
					 ORDER BY a.name COLLATE NOCASE, a.email LIMIT ?`
				)
				.all(
					consortiumId,
					likePattern(search),
					likePattern(search),
					ACCESS_SEARCH_LIMIT + 1
				) as AccessPersonRef[])
		: matchingIn(
				asker.reach.zoneIds.flatMap((zoneId) =>
					peopleOf(asker, grantsReachingZone(db, asker, zoneId))
				),
				search
			);
	return succeed({
		found: {
			people: matches.slice(0, ACCESS_SEARCH_LIMIT).map(personRef),
			more: matches.length > ACCESS_SEARCH_LIMIT
		}
	});
}

/**
 * The memberships of the consortium's projects whose data views show the zone's data:
 * `scopeReaches`, said in SQL so that only those rows are read (a project in network-zone
 * management has every library's people).
 */
function grantsReachingZone(db: Db, asker: Asker, zoneId: string): GrantRow[] {
	const select = db.prepare(
		`${SELECT_GRANTS}
		 WHERE m.project_id = ? AND (m.scope = '"all"' OR EXISTS (
			SELECT 1 FROM json_each(m.scope) AS viewed WHERE viewed.value IN (SELECT value FROM json_each(?))))`
	);
	return [...asker.projects.values()].flatMap((project) => {
		const viewIds = viewsShowingZone(project.views, zoneId).map((view) => view.id);
		return viewIds.length === 0
			? []
			: (select.all(project.id, JSON.stringify(viewIds)) as GrantRow[]);
	});
}

/**
 * How each member of the project came to have their access (its path), for those who ask about
 * one project's people: an access review's reason column.
 */
export function accessPathsInProject(
	db: Db,
	projectId: string
): Map<string, Pick<AccessGrant, 'role' | 'path'>> {
	const rows = db.prepare(`${SELECT_GRANTS} WHERE m.project_id = ?`).all(projectId) as GrantRow[];
	return new Map(rows.map((row) => [row.accountId, { role: row.role, path: pathOf(row) }]));
}

/** Whether the membership reaches a zone the asker looks into. */
function visibleTo(asker: Asker, row: GrantRow): boolean {
	if (asker.reach.everyZone) return true;
	const views = asker.projects.get(row.projectId)?.views ?? [];
	const scope = readScope(row.scope);
	return asker.reach.zoneIds.some((zoneId) =>
		scopeReaches(
			scope,
			viewsShowingZone(views, zoneId).map((view) => view.id)
		)
	);
}

const byName = new Intl.Collator('en', { sensitivity: 'base' });

/** Rows grouped by person, people in name order, each person's memberships by project name. */
function peopleOf(asker: Asker, rows: readonly GrantRow[]): AccessPerson[] {
	const people = new Map<string, AccessPerson>();
	for (const row of rows) {
		let person = people.get(row.accountId);
		if (!person) {
			person = { accountId: row.accountId, name: row.name, email: row.email, grants: [] };
			people.set(row.accountId, person);
		}
		person.grants.push(grantOf(asker, row));
	}
	const sorted = [...people.values()].sort(
		(a, b) => byName.compare(a.name, b.name) || a.email.localeCompare(b.email)
	);
	for (const person of sorted)
		if (person.grants.length > 1)
			person.grants.sort((a, b) => byName.compare(a.projectName, b.projectName));
	return sorted;
}

function grantOf(asker: Asker, row: GrantRow): AccessGrant {
	const project = asker.projects.get(row.projectId);
	const views = project?.views ?? [];
	const scope = readScope(row.scope);
	return {
		projectId: row.projectId,
		projectName: project?.name ?? 'a project no longer in the consortium',
		role: row.role,
		homeZone: { id: row.zoneId, name: row.zoneName, kind: row.zoneKind },
		allViews: scope === 'all',
		views:
			scope === 'all'
				? views.map((view) => ({ id: view.id, name: view.name }))
				: scope.map((viewId) => ({
						id: viewId,
						name: views.find((view) => view.id === viewId)?.name ?? 'a removed data view'
					})),
		path: pathOf(row)
	};
}

function pathOf(row: GrantRow): AccessPath {
	if (row.path === null) {
		// A membership the table has no row for yet (its document has not loaded since).
		return {
			kind: 'unrecorded',
			by: null,
			askedAt: null,
			grantedAt: null,
			roleSet: null,
			viewsSet: null
		};
	}
	return {
		kind: row.path,
		by: row.path === 'unrecorded' ? null : actor(row.grantedBy, row.grantedByName),
		askedAt: row.askedAt,
		grantedAt: row.grantedAt,
		roleSet:
			row.roleSetAt === null
				? null
				: { by: actor(row.roleSetBy, row.roleSetByName), at: row.roleSetAt },
		viewsSet:
			row.viewsSetAt === null
				? null
				: { by: actor(row.viewsSetBy, row.viewsSetByName), at: row.viewsSetAt }
	};
}

/** Null: the consortium office. A person whose account is gone keeps their id, without a name. */
function actor(accountId: string | null, name: string | null): AccessActor {
	return accountId === null ? { kind: 'office' } : { kind: 'person', accountId, name };
}

/** The index stores a scope the schema read (membership-index.ts). */
function readScope(json: string): Scope {
	return JSON.parse(json) as Scope;
}

/** Each person once (they may reach several of the zones), if the text is in their name or address. */
function matchingIn(people: readonly AccessPerson[], search: string): AccessPerson[] {
	const text = search.toLowerCase();
	const matching = new Map<string, AccessPerson>();
	for (const person of people)
		if (`${person.name}\n${person.email}`.toLowerCase().includes(text))
			matching.set(person.accountId, person);
	return [...matching.values()];
}

/** `%text%` for LIKE, with its own wildcards taken literally. */
function likePattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function consortiumRef(consortium: Consortium): AccessScope['consortium'] {
	return { id: consortium.id, name: consortium.name, mode: consortium.mode };
}

function zoneRef(zone: Zone): AccessScope['zones'][number] {
	return { id: zone.id, name: zone.name, kind: zone.kind };
}

function personRef(person: AccessPersonRef): AccessPersonRef {
	return { accountId: person.accountId, name: person.name, email: person.email };
}
