/**
 * The roster API (docs/api.md): JSON for the console, CSV for spreadsheets (one row per
 * membership; a person without any is one row with the project columns empty).
 */
import { ROLE_LABELS, type Roster } from '../../src/lib/shared';
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import type { Db } from '../db/database';
import type { Router } from '../http/router';
import { csvDownload, fileNamePart } from '../http/csv-download';
import { orThrow } from '../http/failure-status';
import { rosterFor } from './roster';
import { API } from '../../src/lib/shared/api-contract';

const ROSTER_CSV_HEADER = ['Name', 'Email', 'Zones', 'Project', 'Role', 'Zone in project'];

export function registerRosterRoutes(router: Router, auth: AuthContext, deps: { db: Db }): void {
	router.add(API.getRoster, (request) => {
		const { account } = requireSignedIn(auth, request);
		return { body: orThrow(rosterFor(deps.db, request.params.id, account.id)).roster };
	});

	router.add(API.downloadRosterCsv, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { roster } = orThrow(rosterFor(deps.db, request.params.id, account.id));
		return csvDownload(`roster-${fileNamePart(roster.consortium.name)}.csv`, [
			ROSTER_CSV_HEADER,
			...rosterRows(roster)
		]);
	});
}

function rosterRows(roster: Roster): string[][] {
	return roster.people.flatMap((person) => {
		const zones = person.zones.map((zone) => zone.name).join('; ');
		if (person.memberships.length === 0) return [[person.name, person.email, zones, '', '', '']];
		return person.memberships.map((membership) => [
			person.name,
			person.email,
			zones,
			membership.projectName,
			ROLE_LABELS[membership.role],
			membership.zoneName
		]);
	});
}
