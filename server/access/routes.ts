/**
 * The "why has access" API (docs/api.md): the zones one may look into, a zone's or a person's
 * access as JSON for the console, and the same as CSV for a library director's spreadsheet (one
 * row per membership, with the sentence the console shows, in the reader's time zone, and the
 * raw facts in UTC).
 */
import {
	ACCESS_PATH_LABELS,
	actorWords,
	describeAccessPath,
	describeViews,
	ROLE_LABELS,
	type AccessReport
} from '../../src/lib/shared';
import { API } from '../../src/lib/shared/api-contract';
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import type { Db } from '../db/database';
import { csvDownload, fileNamePart, isoTime } from '../http/csv-download';
import { orThrow } from '../http/failure-status';
import type { Router } from '../http/router';
import { accessOfPerson, accessScopeFor, accessToZone, findPeopleWithAccess } from './report';

const CSV_HEADER = [
	'Name',
	'Email',
	'Home zone',
	'Project',
	'Role',
	'Data views',
	'Why they have access',
	'Path',
	'Granted by',
	'Asked at (UTC)',
	'Granted at (UTC)',
	'Role last changed by',
	'Role changed at (UTC)',
	'Data views last changed by',
	'Data views changed at (UTC)'
];

export function registerAccessRoutes(router: Router, auth: AuthContext, deps: { db: Db }): void {
	const { db } = deps;

	router.add(API.getAccessScope, (request) => {
		const { account } = requireSignedIn(auth, request);
		return { body: orThrow(accessScopeFor(db, request.params.id, account.id)).scope };
	});

	router.add(API.getZoneAccess, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, zoneId } = request.params;
		return { body: orThrow(accessToZone(db, id, zoneId, account.id)).report };
	});

	router.add(API.downloadZoneAccessCsv, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, zoneId } = request.params;
		const { timeZone } = request.query();
		const { report } = orThrow(accessToZone(db, id, zoneId, account.id));
		return accessCsv(report, timeZone);
	});

	router.add(API.findPeopleWithAccess, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { search } = request.query();
		return { body: orThrow(findPeopleWithAccess(db, request.params.id, search, account.id)).found };
	});

	router.add(API.getPersonAccess, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, accountId } = request.params;
		return { body: orThrow(accessOfPerson(db, id, accountId, account.id)).report };
	});

	router.add(API.downloadPersonAccessCsv, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, accountId } = request.params;
		const { timeZone } = request.query();
		const { report } = orThrow(accessOfPerson(db, id, accountId, account.id));
		return accessCsv(report, timeZone);
	});
}

function accessCsv(report: AccessReport, timeZone: string) {
	const subject =
		report.subject.kind === 'zone' ? report.subject.zone.name : report.subject.person.name;
	return csvDownload(
		`access-${fileNamePart(report.consortium.name)}-${fileNamePart(subject)}.csv`,
		[CSV_HEADER, ...accessRows(report, timeZone)]
	);
}

function accessRows(report: AccessReport, timeZone: string): string[][] {
	const time = (at: number | null | undefined) => (at == null ? '' : isoTime(at));
	return report.people.flatMap((person) =>
		person.grants.map(({ path, ...grant }) => [
			person.name,
			person.email,
			grant.homeZone.name,
			grant.projectName,
			ROLE_LABELS[grant.role],
			describeViews(grant),
			describeAccessPath(person, { ...grant, path }, timeZone),
			ACCESS_PATH_LABELS[path.kind],
			path.by ? actorWords(path.by) : '',
			time(path.askedAt),
			time(path.grantedAt),
			path.roleSet ? actorWords(path.roleSet.by) : '',
			time(path.roleSet?.at),
			path.viewsSet ? actorWords(path.viewsSet.by) : '',
			time(path.viewsSet?.at)
		])
	);
}
