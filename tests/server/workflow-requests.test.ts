import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
	AccessRequest,
	Member,
	Notice,
	OwnRequest,
	ProjectListing
} from '../../src/lib/shared';
import { TestClock } from '../support/auth';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { SyncClient, serverValue } from '../support/sync';
import { eventually } from '../support/eventually';
import {
	email,
	setUpHarbour,
	setUpNetworkZoneConsortium,
	signedIn,
	startWorkflowServer
} from '../support/workflows';

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

async function askToJoin(accountId: string, role = 'analyst', message = 'I run the NZ reports') {
	return signedIn(server, accountId).post('/api/projects/p1/requests', {
		kind: 'join',
		role,
		message
	});
}

/** What a Project Admin's client writes to decide a request. */
function decide(
	admin: SyncClient,
	requestId: string,
	status: 'approved' | 'denied',
	reason: string | null = null
): void {
	const request = admin.map<AccessRequest>('requests').get(requestId)!;
	admin.map('requests').set(requestId, {
		...request,
		status,
		decidedBy: admin.accountId,
		decidedAt: clock.now(),
		decisionReason: reason
	});
}

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.now());
	server = await startWorkflowServer({ smtp, clock });
	setUpHarbour(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
});

describe('a Network Zone user asking to join an Institution Zone project', () => {
	it('lists the projects they may ask to join, with names and their own status only', async () => {
		const directory = await signedIn(server, 'nora').get('/api/directory');
		expect(directory.status).toBe(200);
		expect(directory.body).toEqual({
			consortia: [
				{
					id: 'harbour',
					name: 'Harbour',
					projects: [
						{
							projectId: 'p1',
							name: 'Aurora Analytics',
							ownerZoneName: 'Aurora',
							membership: null,
							pendingRequests: []
						},
						{
							projectId: 'p2',
							name: 'Borealis Analytics',
							ownerZoneName: 'Borealis',
							membership: null,
							pendingRequests: []
						}
					]
				}
			]
		});
		const nadia = await signedIn(server, 'nadia').get('/api/directory');
		expect(nadia.body.consortia[0].projects[0]).toMatchObject({
			projectId: 'p1',
			membership: 'admin'
		});
	});

	it('becomes a member with the role asked for once a Project Admin approves in the document, and is told', async () => {
		const noraHome = connect('nora', 'user/nora');
		const iza = connect('iza', 'project/p1');
		await Promise.all([noraHome.synced(), iza.synced()]);

		const sent = await askToJoin('nora');
		expect(sent.status).toBe(201);
		expect(sent.body.request).toMatchObject({
			kind: 'join',
			role: 'analyst',
			status: 'pending',
			requesterId: 'nora',
			requesterZoneId: 'nz',
			projectId: 'p1',
			projectName: 'Aurora Analytics',
			message: 'I run the NZ reports'
		});
		const requestId = sent.body.request.id as string;

		const waiting = await smtp.nextMessageTo(email('iza'));
		expect(waiting.subject).toBe('Name of nora asks to join Aurora Analytics as Analyst');
		expect(waiting.text).toContain(`${server.url}/projects/p1/settings/requests`);
		expect(waiting.text).toContain('I run the NZ reports');
		expect((await smtp.nextMessageTo(email('nadia'))).subject).toBe(waiting.subject);

		await eventually(() => iza.map('requests').has(requestId), 'the request to reach the admin');
		await eventually(
			() => noraHome.map<OwnRequest>('requests').get(requestId)?.status === 'pending',
			'the request in the requester’s user document'
		);
		const pending = await signedIn(server, 'nora').get('/api/directory');
		expect(pending.body.consortia[0].projects[0].pendingRequests).toEqual([
			expect.objectContaining({ id: requestId, kind: 'join', status: 'pending' })
		]);

		decide(iza, requestId, 'approved', 'Welcome aboard');
		await eventually(() => iza.member('nora') !== undefined, 'the new member');
		expect(iza.member('nora')).toMatchObject({
			role: 'analyst',
			zoneId: 'nz',
			scope: 'all',
			email: email('nora')
		});
		expect(iza.verdicts).toEqual([]);

		const told = await smtp.nextMessageTo(email('nora'));
		expect(told.subject).toBe('Your request to join Aurora Analytics as Analyst was approved');
		expect(told.text).toContain('Welcome aboard');
		await eventually(
			() => noraHome.map<ProjectListing>('projects').get('p1')?.role === 'analyst',
			'the project in the drop-down'
		);
		await eventually(
			() => noraHome.map<OwnRequest>('requests').get(requestId)?.status === 'approved',
			'the request shown as approved'
		);
		const notices = [...noraHome.map<Notice>('notices').values()];
		expect(notices).toEqual([
			expect.objectContaining({
				kind: 'request-decided',
				projectId: 'p1',
				text: 'Your request to join Aurora Analytics as Analyst was approved: “Welcome aboard”'
			})
		]);
		const after = await signedIn(server, 'nora').get('/api/directory');
		expect(after.body.consortia[0].projects[0]).toMatchObject({
			membership: 'analyst',
			pendingRequests: []
		});
	});

	it('is told the reason of a denial by mail and in their user document, and does not become a member', async () => {
		const noraHome = connect('nora', 'user/nora');
		const iza = connect('iza', 'project/p1');
		await Promise.all([noraHome.synced(), iza.synced()]);
		const { body } = await askToJoin('nora', 'admin');
		await eventually(() => iza.map('requests').has(body.request.id), 'the request');

		decide(iza, body.request.id, 'denied', 'We add NZ staff as Analysts only');
		const told = await smtp.nextMessageTo(email('nora'));
		expect(told.subject).toBe('Your request to join Aurora Analytics as Project Admin was denied');
		expect(told.text).toContain('We add NZ staff as Analysts only');
		await eventually(
			() => noraHome.map<OwnRequest>('requests').get(body.request.id)?.status === 'denied',
			'the request shown as denied'
		);
		expect(noraHome.map<OwnRequest>('requests').get(body.request.id)).toMatchObject({
			decidedBy: 'iza',
			decisionReason: 'We add NZ staff as Analysts only'
		});
		expect([...noraHome.map<Notice>('notices').values()][0]!.text).toContain(
			'was denied: “We add NZ staff as Analysts only”'
		);
		expect(serverValue(server, 'project/p1', 'members', 'nora')).toBeUndefined();
		expect(noraHome.map('projects').size).toBe(0);
	});

	it('is not denied without a reason: the denial is refused and the request still waits', async () => {
		const iza = connect('iza', 'project/p1');
		await iza.synced();
		const { body } = await askToJoin('nora', 'admin');
		await eventually(() => iza.map('requests').has(body.request.id), 'the request');

		decide(iza, body.request.id, 'denied', '  ');
		await eventually(() => iza.verdicts.length === 1, 'the verdict');
		expect(iza.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ code: 'reason-required' })
		]);
		await eventually(
			() => iza.map<AccessRequest>('requests').get(body.request.id)?.status === 'pending',
			'the revert'
		);
		expect(
			(serverValue(server, 'project/p1', 'requests', body.request.id) as AccessRequest).status
		).toBe('pending');
	});

	it('refuses a decision by a member who is not a Project Admin, through the server', async () => {
		const ian = connect('ian', 'project/p1');
		await ian.synced();
		const { body } = await askToJoin('nora');
		await eventually(() => ian.map('requests').has(body.request.id), 'the request');

		decide(ian, body.request.id, 'approved');
		await eventually(() => ian.verdicts.length === 1, 'the verdict');
		expect(ian.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ root: 'requests', code: 'admin-only' })
		]);
		await eventually(
			() => ian.map<AccessRequest>('requests').get(body.request.id)?.status === 'pending',
			'the revert'
		);
		expect(serverValue(server, 'project/p1', 'members', 'nora')).toBeUndefined();
	});
});

describe('who may ask', () => {
	it('refuses an Institution Zone user of another Institution Zone', async () => {
		const refused = await askToJoin('bea');
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('requester-not-network-zone');
		expect((await signedIn(server, 'bea').get('/api/directory')).body).toEqual({ consortia: [] });
	});

	it('refuses requests in network-zone management', async () => {
		setUpNetworkZoneConsortium(server);
		const refused = await signedIn(server, 'nora').post('/api/projects/n1/requests', {
			kind: 'join',
			role: 'consumer',
			message: ''
		});
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('requests-need-institution-mode');
		const directory = await signedIn(server, 'nora').get('/api/directory');
		expect(directory.body.consortia.map((consortium: { id: string }) => consortium.id)).toEqual([
			'harbour'
		]);
	});

	it('refuses a member asking to join again', async () => {
		const refused = await askToJoin('nadia', 'consumer');
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({
			code: 'already-member',
			message: 'You are already a member of this project (Project Admin).'
		});
	});

	it('keeps one pending request per kind per person, until it is withdrawn', async () => {
		const first = await askToJoin('nora');
		expect(first.status).toBe(201);
		const again = await askToJoin('nora', 'consumer');
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('request-pending');
		const otherPerson = await askToJoin('nate');
		expect(otherPerson.status).toBe(201);

		const withdrawn = await signedIn(server, 'nora').post(
			`/api/projects/p1/requests/${first.body.request.id}/withdraw`
		);
		expect(withdrawn.status).toBe(204);
		expect(serverValue(server, 'project/p1', 'requests', first.body.request.id)).toBeUndefined();
		expect((await askToJoin('nora', 'consumer')).status).toBe(201);
	});

	it('answers field errors for a malformed request, and 401 without a session', async () => {
		const malformed = await signedIn(server, 'nora').post('/api/projects/p1/requests', {
			kind: 'join',
			role: 'owner'
		});
		expect(malformed.status).toBe(400);
		expect(malformed.body.error.fields.role).toEqual(['Choose Project Admin, Analyst or Consumer']);
		const anonymous = await signedIn(server, 'nora');
		anonymous.cookies.clear();
		expect((await anonymous.post('/api/projects/p1/requests', {})).status).toBe(401);
		expect((await anonymous.get('/api/directory')).status).toBe(401);
	});

	it('limits how many requests one account sends', async () => {
		const nora = signedIn(server, 'nora');
		const answers: number[] = [];
		for (let attempt = 0; attempt < 11; attempt++)
			answers.push((await nora.post('/api/projects/p1/requests', { kind: 'join' })).status);
		expect(answers.slice(0, 10).every((status) => status === 400)).toBe(true);
		expect(answers[10]).toBe(429);
	});
});

describe('withdrawing a request', () => {
	it('removes it from the project and from the requester’s user document while it is pending', async () => {
		const iza = connect('iza', 'project/p1');
		const noraHome = connect('nora', 'user/nora');
		await Promise.all([iza.synced(), noraHome.synced()]);
		const { body } = await askToJoin('nora');
		await eventually(() => noraHome.map('requests').has(body.request.id), 'the request');

		const notTheirs = await signedIn(server, 'nate').post(
			`/api/projects/p1/requests/${body.request.id}/withdraw`
		);
		expect(notTheirs.status).toBe(404);
		expect(
			(await signedIn(server, 'nora').post(`/api/projects/p1/requests/${body.request.id}/withdraw`))
				.status
		).toBe(204);
		await eventually(() => !iza.map('requests').has(body.request.id), 'the admin to see it gone');
		await eventually(() => !noraHome.map('requests').has(body.request.id), 'the copy to go');
	});

	it('refuses once the request is decided', async () => {
		const iza = connect('iza', 'project/p1');
		await iza.synced();
		const { body } = await askToJoin('nora');
		await eventually(() => iza.map('requests').has(body.request.id), 'the request');
		decide(iza, body.request.id, 'denied', 'No');
		await eventually(
			() =>
				(serverValue(server, 'project/p1', 'requests', body.request.id) as AccessRequest).status ===
				'denied',
			'the decision'
		);
		const late = await signedIn(server, 'nora').post(
			`/api/projects/p1/requests/${body.request.id}/withdraw`
		);
		expect(late.status).toBe(409);
		expect(late.body.error.code).toBe('request-decided');
	});
});

describe('the server writes requests; clients cannot', () => {
	it('refuses a request written into the project document by a client', async () => {
		const nadia = connect('nadia', 'project/p1');
		await nadia.synced();
		const forged: AccessRequest = {
			id: 'forged',
			kind: 'join',
			role: 'admin',
			requesterId: 'nadia',
			requesterEmail: email('nadia'),
			requesterName: 'Nadia',
			requesterZoneId: 'nz',
			message: '',
			createdAt: clock.now(),
			status: 'pending',
			decidedBy: null,
			decidedAt: null,
			decisionReason: null
		};
		nadia.map('requests').set('forged', forged);
		await eventually(() => nadia.verdicts.length === 1, 'the verdict');
		expect(nadia.verdicts[0]!.rejected[0]).toMatchObject({ code: 'server-only' });
		expect(serverValue(server, 'project/p1', 'requests', 'forged')).toBeUndefined();
		expect((serverValue(server, 'project/p1', 'members', 'nadia') as Member).role).toBe('admin');
	});
});
