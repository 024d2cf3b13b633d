/**
 * "Why has access" over real HTTP: who may open it (the Network Zone's Project Admins for every
 * zone; in institution-zone management a library's own Project Admins for their zone; nobody
 * else), the path recorded for each way in (an invitation accepted by its link, an existing user
 * added at once, an approved request, the consortium office), the changes since, the backfill of
 * memberships from before paths were recorded, and the CSV file.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	describeAccessPath,
	formatDate,
	newId,
	parseCsv,
	type AccessGrant,
	type AccessReport,
	type AccessRequest,
	type Invite
} from '../../src/lib/shared';
import { findAccountByEmail } from '../../server/auth/accounts';
import { seedDemo } from '../../server/bootstrap/demo';
import { putMember } from '../../server/consortium/projects';
import { findProjectRecord } from '../../server/consortium/store';
import { TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { SyncClient } from '../support/sync';
import {
	account,
	email,
	nameOf,
	rawRequest,
	setUpHarbour,
	setUpNetworkZoneConsortium,
	signedIn,
	startWorkflowServer
} from '../support/workflows';

const run = promisify(execFile);
const DAY = 24 * 3600 * 1000;
/** The demo's Network Zone user with a join request waiting in Cove. */
const HANA = 'hana@office.harbour.example';
/** The test clock's start, 15 Jan 2025 09:00 UTC. */
const START = Date.UTC(2025, 0, 15, 9, 0, 0);

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
let dataDir: string;
const clients: SyncClient[] = [];

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(START);
	dataDir = mkdtempSync(join(tmpdir(), 'console-access-'));
	server = await startWorkflowServer({ smtp, clock, dataDir });
	setUpHarbour(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

async function connect(accountId: string, documentName = 'project/p1'): Promise<SyncClient> {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	await client.synced();
	return client;
}

async function zoneReport(asker: string, zoneId: string): Promise<AccessReport> {
	const answer = await signedIn(server, asker).get(`/api/consortia/harbour/access/zones/${zoneId}`);
	expect(answer.status).toBe(200);
	return answer.body as AccessReport;
}

/** The sentence the console shows for the person's membership of the project, in UTC. */
function why(report: AccessReport, accountId: string, projectId = 'p1'): string {
	const person = report.people.find((candidate) => candidate.accountId === accountId);
	const grant = person?.grants.find((candidate) => candidate.projectId === projectId);
	if (!person || !grant) throw new Error(`${accountId} has no access to ${projectId} here`);
	return describeAccessPath(person, grant, 'UTC');
}

function grantOf(report: AccessReport, accountId: string, projectId = 'p1'): AccessGrant {
	return report.people
		.find((person) => person.accountId === accountId)!
		.grants.find((grant) => grant.projectId === projectId)!;
}

describe('who may open it', () => {
	it('the Network Zone’s Project Admins, for every zone and every person', async () => {
		const nadia = signedIn(server, 'nadia');
		const scope = await nadia.get('/api/consortia/harbour/access');
		expect(scope.status).toBe(200);
		expect(scope.body).toEqual({
			consortium: { id: 'harbour', name: 'Harbour', mode: 'institution-zone' },
			everyZone: true,
			zones: [
				{ id: 'nz', name: 'Harbour Office', kind: 'network' },
				{ id: 'aurora', name: 'Aurora', kind: 'institution' },
				{ id: 'borealis', name: 'Borealis', kind: 'institution' }
			]
		});
		const aurora = await zoneReport('nadia', 'aurora');
		expect(aurora.people.map((person) => person.accountId)).toEqual([
			'cole',
			'ian',
			'iza',
			'nadia'
		]);
		const borealis = await zoneReport('nadia', 'borealis');
		expect(borealis.people.map((person) => person.accountId)).toEqual(['bea']);
		const bea = await nadia.get('/api/consortia/harbour/access/people/bea');
		expect(bea.status).toBe(200);
		expect(bea.body.people[0].grants).toEqual([
			expect.objectContaining({ projectName: 'Borealis Analytics', role: 'admin' })
		]);
		const found = await nadia.get('/api/consortia/harbour/access/people?search=name%20of%20i');
		expect(found.body).toEqual({
			people: [
				{ accountId: 'ian', name: nameOf('ian'), email: email('ian') },
				{ accountId: 'iza', name: nameOf('iza'), email: email('iza') }
			],
			more: false
		});
	});

	it('in institution-zone management, a library’s own Project Admins, for their zone only', async () => {
		const iza = signedIn(server, 'iza');
		const scope = await iza.get('/api/consortia/harbour/access');
		expect(scope.body).toMatchObject({
			everyZone: false,
			zones: [{ id: 'aurora', name: 'Aurora', kind: 'institution' }]
		});
		const aurora = await zoneReport('iza', 'aurora');
		expect(aurora.people).toHaveLength(4);
		// Nadia is a Network Zone user with access to Aurora's data: Aurora's admins see her here.
		expect(
			(await iza.get('/api/consortia/harbour/access/people/nadia')).body.people[0].grants
		).toHaveLength(1);
		for (const path of [
			'/api/consortia/harbour/access/zones/borealis',
			'/api/consortia/harbour/access/zones/nz'
		]) {
			const refused = await iza.get(path);
			expect(refused.status).toBe(403);
			expect(refused.body.error.code).toBe('not-access-reviewer');
		}
		expect(
			(await rawRequest(server, 'iza', '/api/consortia/harbour/access/zones/borealis/access.csv'))
				.status
		).toBe(403);
		// Bea reaches Borealis only: to Aurora's admins she is nobody they may look into.
		const bea = await iza.get('/api/consortia/harbour/access/people/bea');
		expect(bea.status).toBe(404);
		expect(bea.body.error.code).toBe('person-not-found');
		const found = await iza.get('/api/consortia/harbour/access/people?search=name%20of');
		expect(found.body.people.map((person: { accountId: string }) => person.accountId)).toEqual([
			'cole',
			'ian',
			'iza',
			'nadia'
		]);
		const borealis = await signedIn(server, 'bea').get(
			'/api/consortia/harbour/access/zones/aurora'
		);
		expect(borealis.status).toBe(403);
	});

	it('nobody else: Analysts, Consumers, Network Zone users who are not Project Admins, strangers', async () => {
		account(server, 'stranger');
		for (const accountId of ['ian', 'cole', 'nora', 'stranger']) {
			for (const path of [
				'/api/consortia/harbour/access',
				'/api/consortia/harbour/access/zones/aurora',
				'/api/consortia/harbour/access/people/iza',
				'/api/consortia/harbour/access/people?search=name'
			]) {
				const refused = await signedIn(server, accountId).get(path);
				expect(refused.status, `${accountId} ${path}`).toBe(403);
				expect(refused.body.error.code).toBe('not-access-reviewer');
			}
			expect(
				(
					await rawRequest(
						server,
						accountId,
						'/api/consortia/harbour/access/zones/aurora/access.csv'
					)
				).status
			).toBe(403);
		}
		const visitor = await new TestClient(server).get('/api/consortia/harbour/access');
		expect(visitor.status).toBe(401);
		expect((await signedIn(server, 'nadia').get('/api/consortia/nowhere/access')).status).toBe(404);
		expect(
			(await signedIn(server, 'nadia').get('/api/consortia/harbour/access/zones/nowhere')).status
		).toBe(404);
		const short = await signedIn(server, 'nadia').get(
			'/api/consortia/harbour/access/people?search=a'
		);
		expect(short.status).toBe(400);
		expect(short.body.error.fields.search).toEqual([
			'Type at least 2 letters of a name or address'
		]);
	});

	it('not a library’s people in network-zone management, even one made Project Admin', async () => {
		setUpNetworkZoneConsortium(server);
		account(server, 'izzy');
		// The policy would refuse this; the server's own write shows the rule does not rest on it.
		putMember(server.app.db, server.app.registry, 'n1', {
			accountId: 'izzy',
			email: email('izzy'),
			name: nameOf('izzy'),
			role: 'admin',
			zoneId: 'nl-aurora'
		});
		const refused = await signedIn(server, 'izzy').get('/api/consortia/northern/access');
		expect(refused.status).toBe(403);
		expect(
			(await signedIn(server, 'izzy').get('/api/consortia/northern/access/zones/nl-aurora')).status
		).toBe(403);
	});
});

describe('who can see a zone’s data, in network-zone management', () => {
	it('the people of its data view, and those with the global view or every view', async () => {
		setUpNetworkZoneConsortium(server);
		const join = (
			accountId: string,
			role: 'admin' | 'analyst',
			zoneId: string,
			scope?: string[]
		) => {
			account(server, accountId);
			putMember(server.app.db, server.app.registry, 'n1', {
				accountId,
				email: email(accountId),
				name: nameOf(accountId),
				role,
				zoneId,
				scope
			});
		};
		join('olaf', 'admin', 'nl-office');
		join('gus', 'analyst', 'nl-office', ['global']);
		join('ivy', 'analyst', 'nl-aurora', ['iz-nl-aurora']);
		const olaf = signedIn(server, 'olaf');
		const aurora = await olaf.get('/api/consortia/northern/access/zones/nl-aurora');
		expect(aurora.body.people.map((person: { accountId: string }) => person.accountId)).toEqual([
			'gus',
			'ivy',
			'olaf'
		]);
		expect(grantOf(aurora.body, 'gus', 'n1').views).toEqual([
			{ id: 'global', name: 'Northern Office (all institutions)' }
		]);
		const office = await olaf.get('/api/consortia/northern/access/zones/nl-office');
		expect(office.body.people.map((person: { accountId: string }) => person.accountId)).toEqual([
			'gus',
			'olaf'
		]);
		// A Network Zone admin of another consortium looks into nothing here.
		expect((await signedIn(server, 'nadia').get('/api/consortia/northern/access')).status).toBe(
			403
		);
	});
});

describe('the path of each way in', () => {
	it('the consortium office: members the server added outright', async () => {
		const aurora = await zoneReport('nadia', 'aurora');
		expect(why(aurora, 'iza')).toBe('Added by the consortium office on 15 Jan 2025.');
		expect(grantOf(aurora, 'iza')).toMatchObject({
			role: 'admin',
			homeZone: { id: 'aurora', name: 'Aurora', kind: 'institution' },
			allViews: true,
			views: [{ id: 'main', name: 'Aurora' }],
			path: { kind: 'direct', by: { kind: 'office' }, grantedAt: START }
		});
	});

	it('the consortium office: the demo seed and `npm run admin -- invite-admin` on an existing account', async () => {
		seedDemo(server.app.authDb, server.app.registry, server.app.site);
		await server.close();
		const cli = await run(
			process.execPath,
			[
				'--import',
				'tsx',
				'server/cli/admin.ts',
				'invite-admin',
				'--project',
				'cove',
				'--email',
				HANA
			],
			{ env: { ...process.env, DATA_DIR: dataDir } }
		);
		expect(cli.stdout).toContain('already had an account');
		server = await startWorkflowServer({ smtp, clock, dataDir });
		const cora = findAccountByEmail(server.app.db, 'cora@cove.example.org')!;
		const hana = findAccountByEmail(server.app.db, HANA)!;
		const consortiumId = findProjectRecord(server.app.db, 'cove')!.consortiumId;
		const answer = await signedIn(server, cora.id).get(
			`/api/consortia/${consortiumId}/access/zones/hb-cove`
		);
		expect(answer.status).toBe(200);
		const cove = answer.body as AccessReport;
		for (const accountId of [cora.id, hana.id]) {
			expect(grantOf(cove, accountId, 'cove').path).toMatchObject({
				kind: 'direct',
				by: { kind: 'office' }
			});
			expect(why(cove, accountId, 'cove')).toMatch(
				/^Added by the consortium office on \d+ \w+ \d{4}\.$/
			);
		}
		// Hana's pending request to join was not what let her in: the office was.
		expect(grantOf(cove, hana.id, 'cove').role).toBe('admin');
	});

	it('an invitation accepted by its link: invited by its inviter, then accepted', async () => {
		const iza = await connect('iza');
		const invite: Invite = {
			id: newId(),
			email: 'edda@example.org',
			role: 'analyst',
			zoneId: 'aurora',
			scope: 'all',
			invitedBy: 'iza',
			// What a client writes is not what is recorded: the server's clock is.
			invitedAt: START - 300 * DAY,
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null
		};
		iza.map('invites').set(invite.id, invite);
		const token = tokenFromLink(
			extractLink(await smtp.nextMessageTo('edda@example.org'), '/invite')
		);
		clock.advance(DAY);
		const accepted = await new TestClient(server).post('/api/invites/accept', {
			token,
			name: 'Edda Silva'
		});
		expect(accepted.status).toBe(200);
		const edda = accepted.body.account.id as string;
		const aurora = await zoneReport('nadia', 'aurora');
		expect(why(aurora, edda)).toBe('Invited by Name of iza on 15 Jan 2025, accepted 16 Jan 2025.');
		expect(grantOf(aurora, edda).path).toMatchObject({
			kind: 'invitation',
			by: { kind: 'person', accountId: 'iza', name: nameOf('iza') },
			askedAt: START,
			grantedAt: START + DAY
		});
	});

	it('an invitation of an address with an account: added as an existing user, by the inviter', async () => {
		const iza = await connect('iza');
		clock.advance(DAY);
		const invite: Invite = {
			id: newId(),
			email: email('nate'),
			role: 'consumer',
			zoneId: 'nz',
			scope: 'all',
			invitedBy: 'iza',
			invitedAt: clock.now(),
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null
		};
		iza.map('invites').set(invite.id, invite);
		await eventually(() => iza.member('nate') !== undefined, 'Nate to be added at once');
		const aurora = await zoneReport('iza', 'aurora');
		expect(why(aurora, 'nate')).toBe('Added as an existing user by Name of iza on 16 Jan 2025.');
		expect(grantOf(aurora, 'nate')).toMatchObject({
			role: 'consumer',
			homeZone: { id: 'nz', name: 'Harbour Office' },
			path: { kind: 'existing-account', by: { kind: 'person', accountId: 'iza' } }
		});
	});

	it('an approved request: asked when, approved by whom', async () => {
		const iza = await connect('iza');
		const asked = await signedIn(server, 'nora').post('/api/projects/p1/requests', {
			kind: 'join',
			role: 'analyst',
			message: 'For the quarterly report'
		});
		expect(asked.status).toBe(201);
		const requestId = asked.body.request.id as string;
		await eventually(() => iza.map('requests').has(requestId), 'the request to reach Iza');
		clock.advance(2 * DAY);
		const request = iza.map<AccessRequest>('requests').get(requestId)!;
		iza.map('requests').set(requestId, {
			...request,
			status: 'approved',
			decidedBy: 'iza',
			decidedAt: clock.now(),
			decisionReason: null
		});
		await eventually(() => iza.member('nora') !== undefined, 'Nora to be a member');
		const aurora = await zoneReport('iza', 'aurora');
		expect(why(aurora, 'nora')).toBe(
			'Asked to join on 15 Jan 2025, approved by Name of iza on 17 Jan 2025.'
		);
		expect(grantOf(aurora, 'nora').path).toMatchObject({
			kind: 'request',
			by: { kind: 'person', accountId: 'iza' },
			askedAt: START,
			grantedAt: START + 2 * DAY
		});
	});

	it('what changed since: the role and the data views, by whom; a removal ends the path', async () => {
		const iza = await connect('iza');
		clock.advance(DAY);
		iza.setMember('ian', { role: 'consumer' });
		await eventually(
			async () => grantOf(await zoneReport('iza', 'aurora'), 'ian').role === 'consumer',
			'the role change'
		);
		clock.advance(DAY);
		iza.setMember('ian', { scope: ['main'] });
		await eventually(
			async () => grantOf(await zoneReport('iza', 'aurora'), 'ian').allViews === false,
			'the data views change'
		);
		const aurora = await zoneReport('iza', 'aurora');
		expect(why(aurora, 'ian')).toBe(
			'Added by the consortium office on 15 Jan 2025. Made Consumer by Name of iza on 16 Jan 2025. Data views changed by Name of iza on 17 Jan 2025.'
		);
		iza.map('members').delete('ian');
		await eventually(
			async () =>
				!(await zoneReport('iza', 'aurora')).people.some((person) => person.accountId === 'ian'),
			'Ian to have no access'
		);
		expect(
			server.app.db
				.prepare("SELECT count(*) FROM access_grants WHERE account_id = 'ian'")
				.pluck()
				.get()
		).toBe(0);
	});
});

describe('memberships from before access paths were recorded', () => {
	it('get their paths from the audit log at the next start, and say so where it knows nothing', async () => {
		const iza = await connect('iza');
		clock.advance(DAY);
		iza.setMember('ian', { role: 'consumer' });
		await eventually(() => iza.member('ian')?.role === 'consumer', 'the role change');
		const before = await zoneReport('nadia', 'aurora');
		for (const client of clients.splice(0)) client.destroy();
		await server.close();

		// A database from before this table, in which Cole's joining is not in the audit log.
		const db = new Database(join(dataDir, 'console.sqlite'));
		db.exec(`DROP TABLE access_grants;
			DELETE FROM schema_migrations WHERE id = 'access-001-grants';
			DELETE FROM audit_log WHERE subject_id = 'cole';`);
		db.close();
		clock.advance(DAY);
		server = await startWorkflowServer({ smtp, clock, dataDir });

		const after = await zoneReport('nadia', 'aurora');
		for (const accountId of ['iza', 'ian', 'nadia'])
			expect(why(after, accountId)).toBe(why(before, accountId));
		expect(why(after, 'ian')).toBe(
			'Added by the consortium office on 15 Jan 2025. Made Consumer by Name of iza on 16 Jan 2025.'
		);
		// The join date the server wrote into Cole's member entry (putMember reads the real clock).
		const joinedAt = server.app.registry.read(
			'project/p1',
			(document) => document.index!.member('cole')!.joinedAt
		)!;
		expect(why(after, 'cole')).toBe(
			`Member since ${formatDate(joinedAt, 'UTC')}; how access was given is not known (before access paths were recorded).`
		);
		expect(grantOf(after, 'cole').path).toMatchObject({ kind: 'unrecorded', by: null });
	});
});

describe('the CSV file for a library director', () => {
	it('has a row per membership, the sentence in the reader’s time zone and the facts in UTC', async () => {
		const response = await rawRequest(
			server,
			'iza',
			'/api/consortia/harbour/access/zones/aurora/access.csv?timeZone=Pacific%2FHonolulu'
		);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toContain(
			'filename="access-harbour-aurora.csv"'
		);
		const parsed = parseCsv(await response.text());
		if (!parsed.ok) throw new Error('The CSV does not parse');
		const [header, ...rows] = parsed.records;
		expect(header!.slice(0, 8)).toEqual([
			'Name',
			'Email',
			'Home zone',
			'Project',
			'Role',
			'Data views',
			'Why they have access',
			'Path'
		]);
		expect(rows).toHaveLength(4);
		expect(rows).toContainEqual([
			nameOf('nadia'),
			email('nadia'),
			'Harbour Office',
			'Aurora Analytics',
			'Project Admin',
			'All data views',
			// 09:00 UTC on the 15th is 23:00 on the 14th in Honolulu.
			'Added by the consortium office on 14 Jan 2025.',
			'Added directly',
			'the consortium office',
			'',
			'2025-01-15T09:00:00.000Z',
			'',
			'',
			'',
			''
		]);
		const late = await rawRequest(
			server,
			'iza',
			'/api/consortia/harbour/access/zones/aurora/access.csv?timeZone=Nowhere%2FAtlantis'
		);
		expect(late.status).toBe(400);
	});
});
