/**
 * `npm run bench:access`: "why has access" for a consortium of 50 zones, 5 projects and 20,000
 * people, written to docs/performance.md next to a plain SQL `count(*)` over the same tables,
 * measured interleaved in the same run.
 *
 * A fresh database with the console's schema, filled straight through its tables (consortia,
 * zones, projects, accounts, zone_people, memberships, access_grants): what is measured is the
 * answer, which reads SQL only, not how the rows got there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessOfPerson, accessToZone } from '../../server/access/report';
import { createConsortium } from '../../server/consortium/store';
import { openConsoleDatabase } from '../../server/schema';
import { ACCESS_PATHS, type AccessPathKind } from '../../src/lib/shared';
import { machine, writeSection } from './report';
import { median } from './stats';

const ZONES = 50;
const PROJECTS = 5;
const PEOPLE = 20_000;
/** People of the Network Zone, each a member of two projects (as an approved requester, mostly). */
const NETWORK_PEOPLE = 2_000;
/** People of the Institution Zones that own a project, members of it; the rest are in no project. */
const PER_OWNER_ZONE = 2_600;
const ROUNDS = 15;
const CALLS_PER_ROUND = 5;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-access-'));
const db = openConsoleDatabase(join(dataDir, 'console.sqlite'));

// ---- the consortium -----------------------------------------------------------------------------

const zoneIds = Array.from({ length: ZONES }, (_, index) => (index === 0 ? 'nz' : `iz-${index}`));
const consortium = createConsortium(db, {
	id: 'bench',
	name: 'Bench Consortium',
	mode: 'institution-zone',
	zones: zoneIds.map((id, index) => ({
		id,
		kind: index === 0 ? 'network' : 'institution',
		name: index === 0 ? 'Bench Office' : `Library ${index}`
	}))
});
const owners = zoneIds.slice(1, 1 + PROJECTS);
const projectIds = owners.map((_, index) => `p${index + 1}`);
const now = Date.now();
db.transaction(() => {
	const project = db.prepare(
		'INSERT INTO projects (id, consortium_id, owner_zone_id, name, created_at) VALUES (?, ?, ?, ?, ?)'
	);
	owners.forEach((owner, index) =>
		project.run(projectIds[index], consortium.id, owner, `Analytics ${index + 1}`, now)
	);
	const account = db.prepare(
		'INSERT INTO accounts (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'
	);
	const zonePerson = db.prepare(
		"INSERT INTO zone_people (zone_id, account_id, source, added_at) VALUES (?, ?, 'membership', ?)"
	);
	const membership = db.prepare(
		`INSERT INTO memberships (project_id, account_id, role, zone_id, scope) VALUES (?, ?, ?, ?, '"all"')`
	);
	const grant = db.prepare(
		`INSERT INTO access_grants (project_id, account_id, path, granted_by, asked_at, granted_at,
		 role_set_by, role_set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	);
	const join = (projectId: string, person: number, zoneId: string, path: AccessPathKind) => {
		const accountId = `a${person}`;
		// Person 0 is the Network Zone Project Admin who asks; every tenth member had a role change.
		membership.run(projectId, accountId, person === 0 ? 'admin' : 'analyst', zoneId);
		grant.run(
			projectId,
			accountId,
			path,
			path === 'direct' || path === 'unrecorded' ? null : `a${person % 97}`,
			path === 'invitation' || path === 'request' ? now - 86_400_000 : null,
			now,
			person % 10 === 0 ? `a${person % 89}` : null,
			person % 10 === 0 ? now : null
		);
	};
	for (let person = 0; person < PEOPLE; person++) {
		account.run(`a${person}`, `person${person}@bench.example.org`, `Person ${person}`, now, now);
		if (person < NETWORK_PEOPLE) {
			zonePerson.run('nz', `a${person}`, now);
			join(projectIds[person % PROJECTS]!, person, 'nz', 'request');
			join(projectIds[(person + 1) % PROJECTS]!, person, 'nz', 'invitation');
			continue;
		}
		const ownerIndex = Math.floor((person - NETWORK_PEOPLE) / PER_OWNER_ZONE);
		if (ownerIndex < PROJECTS) {
			zonePerson.run(owners[ownerIndex]!, `a${person}`, now);
			join(projectIds[ownerIndex]!, person, owners[ownerIndex]!, ACCESS_PATHS[person % 5]!);
		} else {
			// Libraries without a project of their own: people of the consortium, in no project.
			zonePerson.run(zoneIds[1 + PROJECTS + (person % (ZONES - 1 - PROJECTS))]!, `a${person}`, now);
		}
	}
})();
db.exec('ANALYZE');

const memberships = db.prepare('SELECT count(*) FROM memberships').pluck().get() as number;
const zone = owners[0]!;
const asker = 'a0';
const person = 'a1';

// ---- measuring ----------------------------------------------------------------------------------

/** The baseline: every membership of the consortium, over the same joins as the answer. */
const countStatement = db
	.prepare(
		`SELECT count(*) FROM memberships m
		 JOIN accounts a ON a.id = m.account_id
		 JOIN zones z ON z.id = m.zone_id
		 LEFT JOIN access_grants g ON g.project_id = m.project_id AND g.account_id = m.account_id
		 WHERE m.project_id IN (SELECT id FROM projects WHERE consortium_id = ?)`
	)
	.pluck();

const zoneAnswer = accessToZone(db, consortium.id, zone, asker);
const personAnswer = accessOfPerson(db, consortium.id, person, asker);
if (!zoneAnswer.ok || !personAnswer.ok) throw new Error('The fixture does not answer');
const zonePeople = zoneAnswer.report.people.length;
const personGrants = personAnswer.report.people[0]!.grants.length;

const measures = {
	count: () => countStatement.get(consortium.id),
	zone: () => accessToZone(db, consortium.id, zone, asker),
	person: () => accessOfPerson(db, consortium.id, person, asker)
};
type Measure = keyof typeof measures;
const samples: Record<Measure, number[]> = { count: [], zone: [], person: [] };

function timed(measure: Measure): void {
	const start = performance.now();
	measures[measure]();
	samples[measure].push(performance.now() - start);
}

for (const measure of Object.keys(measures) as Measure[]) measures[measure]();
for (let round = 0; round < ROUNDS; round++) {
	// Interleaved, the order turning each round, so that a noisy moment falls on every side.
	const order = (Object.keys(measures) as Measure[]).map(
		(_, index, all) => all[(index + round) % all.length]!
	);
	for (let call = 0; call < CALLS_PER_ROUND; call++) for (const measure of order) timed(measure);
}
db.close();
rmSync(dataDir, { recursive: true, force: true });

// ---- the report ---------------------------------------------------------------------------------

const ms = (value: number) => `${value.toFixed(2)} ms`;
const line = (label: string, measure: Measure) => {
	const values = samples[measure];
	const ratio = median(values) / median(samples.count);
	return `| ${label} | ${ms(Math.min(...values))} | ${ms(median(values))} | ${measure === 'count' ? '1' : ratio.toFixed(2)} |`;
};

writeSection(
	'access',
	`## Why has access (\`npm run bench:access\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, shared with other work
(single figures are noisy; the ratio is of figures measured side by side).

A consortium in institution-zone management with ${ZONES} zones, ${PROJECTS} projects and
${PEOPLE.toLocaleString('en')} people, written straight into a fresh database through the
console's tables: ${NETWORK_PEOPLE.toLocaleString('en')} Network Zone people in two projects each,
${PER_OWNER_ZONE.toLocaleString('en')} people in each of the ${PROJECTS} libraries that own a
project (members of it), the rest in libraries without a project; ${memberships.toLocaleString('en')}
memberships, each with its access path. The answers are the server's own functions
(\`accessToZone\`, \`accessOfPerson\` in \`server/access/report.ts\`), from the asker's check to
the finished JSON-ready answer (names, data views, paths; sorted), without HTTP. The baseline is a
plain \`count(*)\` of the consortium's memberships over the same joins (memberships, accounts,
zones, access paths). ${ROUNDS} rounds of ${CALLS_PER_ROUND} calls of each, interleaved, the order
turning each round; min and median of all ${ROUNDS * CALLS_PER_ROUND} calls.

| Question | Min | Median | Median / count |
|---|---|---|---|
${line(`A library with a project: ${zonePeople.toLocaleString('en')} people`, 'zone')}
${line(`A Network Zone person: ${personGrants} memberships`, 'person')}
${line(`\`count(*)\` of all ${memberships.toLocaleString('en')} memberships`, 'count')}

The zone's answer grows with the people who can see the zone's data (it builds a row for each),
the count with every membership of the consortium; the person's answer reads that person's rows
only, through the index on accounts.`
);
