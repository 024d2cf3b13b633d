import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv, type Member, type Roster } from '../../src/lib/shared';
import { projectDirectory } from '../../server/consortium/project-directory';
import { sqliteDocumentStore } from '../../server/sync/persistence';
import { DocumentRegistry } from '../../server/sync/registry';
import { captureLog } from '../support/log';
import type { TestServer } from '../support/server';
import { SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';
import {
	email,
	rawRequest,
	setUpHarbour,
	signedIn,
	startWorkflowServer
} from '../support/workflows';

let server: TestServer;
const clients: SyncClient[] = [];

interface MembershipRow {
	account_id: string;
	role: string;
	zone_id: string;
	scope: string;
}

const memberships = (db: TestServer['app']['db'], projectId: string) =>
	db
		.prepare(
			'SELECT account_id, role, zone_id, scope FROM memberships WHERE project_id = ? ORDER BY account_id'
		)
		.all(projectId) as MembershipRow[];

beforeEach(async () => {
	server = await startWorkflowServer({ options: { documents: { unloadAfterMs: 0 } } });
	setUpHarbour(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('the consortium roster', () => {
	it('shows the Network Zone’s Project Admins every person’s memberships across the projects', async () => {
		const answer = await signedIn(server, 'nadia').get('/api/consortia/harbour/roster');
		expect(answer.status).toBe(200);
		const roster = answer.body as Roster;
		expect(roster.consortium).toEqual({ id: 'harbour', name: 'Harbour', mode: 'institution-zone' });
		const byId = Object.fromEntries(roster.people.map((person) => [person.accountId, person]));
		expect(Object.keys(byId).sort()).toEqual([
			'bea',
			'cole',
			'ian',
			'iza',
			'nadia',
			'nate',
			'nora'
		]);
		expect(byId.iza).toEqual({
			accountId: 'iza',
			name: 'Name of iza',
			email: email('iza'),
			zones: [{ id: 'aurora', name: 'Aurora', kind: 'institution', provisioning: null }],
			memberships: [
				{
					projectId: 'p1',
					projectName: 'Aurora Analytics',
					role: 'admin',
					zoneId: 'aurora',
					zoneName: 'Aurora'
				}
			]
		});
		expect(byId.bea!.memberships).toEqual([
			expect.objectContaining({
				projectName: 'Borealis Analytics',
				role: 'admin',
				zoneName: 'Borealis'
			})
		]);
		expect(byId.nora).toMatchObject({
			zones: [{ id: 'nz', name: 'Harbour Office', kind: 'network', provisioning: null }],
			memberships: []
		});
		expect(JSON.stringify(roster)).not.toMatch(/boards|lexicon|requests|scope/);
	});

	it('downloads as CSV, one row per membership', async () => {
		const response = await rawRequest(server, 'nadia', '/api/consortia/harbour/roster.csv');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toContain('filename="roster-harbour.csv"');
		const parsed = parseCsv(await response.text());
		if (!parsed.ok) throw new Error('The CSV does not parse');
		expect(parsed.records[0]).toEqual([
			'Name',
			'Email',
			'Zones',
			'Project',
			'Role',
			'Zone in project'
		]);
		expect(parsed.records).toContainEqual([
			'Name of nadia',
			email('nadia'),
			'Harbour Office',
			'Aurora Analytics',
			'Project Admin',
			'Harbour Office'
		]);
		expect(parsed.records).toContainEqual([
			'Name of nora',
			email('nora'),
			'Harbour Office',
			'',
			'',
			''
		]);
		expect(parsed.records).toHaveLength(8);
	});

	it('is refused to an Institution Zone’s admin, to members who are not admins, and to Network Zone users who are not', async () => {
		for (const accountId of ['iza', 'bea', 'ian', 'nora']) {
			const answer = await signedIn(server, accountId).get('/api/consortia/harbour/roster');
			expect(answer.status).toBe(403);
			expect(answer.body.error.code).toBe('not-network-zone-admin');
			expect(
				(await rawRequest(server, accountId, '/api/consortia/harbour/roster.csv')).status
			).toBe(403);
		}
		expect((await signedIn(server, 'nadia').get('/api/consortia/nowhere/roster')).status).toBe(404);
	});
});

describe('the membership index', () => {
	it('follows every accepted change to members, whoever makes it', async () => {
		const iza = new SyncClient(server, 'iza', 'project/p1');
		clients.push(iza);
		await iza.synced();
		iza.setMember('cole', { role: 'analyst' });
		await eventually(
			() =>
				memberships(server.app.db, 'p1').some(
					(row) => row.account_id === 'cole' && row.role === 'analyst'
				),
			'the role change in SQL'
		);
		iza.map('members').delete('ian');
		await eventually(
			() => !memberships(server.app.db, 'p1').some((row) => row.account_id === 'ian'),
			'the removal in SQL'
		);
		const roster = (await signedIn(server, 'nadia').get('/api/consortia/harbour/roster'))
			.body as Roster;
		const ian = roster.people.find((person) => person.accountId === 'ian')!;
		expect(ian.memberships).toEqual([]);
		expect(ian.zones).toEqual([
			{ id: 'aurora', name: 'Aurora', kind: 'institution', provisioning: null }
		]);
	});

	it('is rebuilt for a project when its document loads out of step', async () => {
		const before = memberships(server.app.db, 'p1');
		expect(before).toHaveLength(4);
		await eventually(
			() => server.app.registry.get('project/p1') === undefined,
			'the document to unload'
		);
		// Changed without the indexes listening, as an earlier version or another tool would.
		const unindexed = new DocumentRegistry(
			sqliteDocumentStore(server.app.db),
			projectDirectory(server.app.db),
			{ log: captureLog().log }
		);
		unindexed.change('project/p1', (roots) => {
			roots.members.delete('iza');
			roots.members.set('cole', { ...roots.members.get('cole')!, role: 'admin' });
		});
		unindexed.close();
		expect(memberships(server.app.db, 'p1')).toEqual(before);

		server.app.registry.read('project/p1', (document) => document.index!.member('cole') as Member);
		expect(memberships(server.app.db, 'p1')).toEqual(
			before
				.filter((row) => row.account_id !== 'iza')
				.map((row) => (row.account_id === 'cole' ? { ...row, role: 'admin' } : row))
		);
	});
});
