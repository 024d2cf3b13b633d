/**
 * Offboarding a member library, over real HTTP and sockets: only the consortium office may; the
 * preview lists everything of the library across the projects; the apply leaves nothing of it
 * behind (memberships, invitations and their links, pending requests, subscriptions to its people,
 * portals, consents, open connections), marks the zone as left, refuses a project that would
 * keep no Project Admin and a plan that changed since the preview, writes one governance entry,
 * finishes an offboarding a crash cut short, and changes nothing when run again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	offboardingItems,
	type AccessRequest,
	type AuditPage,
	type HandoverRequest,
	type Invite,
	type OffboardingPlan,
	type OffboardingResult,
	type Zone
} from '../../src/lib/shared';
import { registerPortal } from '../../server/embed/portals';
import { beginOffboarding } from '../../server/offboarding/records';
import { embeddedToken, grantPortal, tokenSocket, type TestPortal } from '../support/embed';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject } from '../support/sync';
import { email, setUpHarbour, signedIn, startWorkflowServer } from '../support/workflows';

let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

async function preview(consortiumId: string, zoneId: string, as = 'nadia') {
	const answer = await signedIn(server, as).get(
		`/api/consortia/${consortiumId}/offboarding/${zoneId}`
	);
	expect(answer.status).toBe(200);
	return answer.body as OffboardingPlan;
}

function apply(
	consortiumId: string,
	zoneId: string,
	body: { fingerprint: string; confirmation: string },
	as = 'nadia'
) {
	return signedIn(server, as).post(`/api/consortia/${consortiumId}/offboarding/${zoneId}`, body);
}

async function consortiumLog(consortiumId: string, as = 'nadia') {
	const answer = await signedIn(server, as).get(`/api/consortia/${consortiumId}/audit`);
	expect(answer.status).toBe(200);
	return (answer.body as AuditPage).entries;
}

const db = () => server.app.db;
const zoneIn = (projectId: string, zoneId: string) =>
	serverValue(server, `project/${projectId}`, 'zones', zoneId) as Zone;

describe('offboarding a library in institution-zone management (Harbour)', () => {
	let officePortal: TestPortal;
	let auroraPortalId: string;
	let inviteToken: string;

	/**
	 * Everything of Aurora's there is: iza (Project Admin), ian and cole in Aurora Analytics, beside
	 * nadia from the office; an invitation iza sent; nora's request to join; iza's hand-over request
	 * to nadia; a subscription of Aurora's data view; the portal iza registered; ian's and nadia's
	 * consents to the office's portal.
	 */
	beforeEach(async () => {
		server = await startWorkflowServer({ options: { documents: { unloadAfterMs: 0 } } });
		setUpHarbour(server);
		const iza = connect('iza', 'project/p1');
		await iza.synced();
		iza.map('invites').set('inv-1', {
			id: 'inv-1',
			email: 'newcomer@example.net',
			role: 'analyst',
			zoneId: 'aurora',
			scope: 'all',
			invitedBy: 'iza',
			invitedAt: Date.now(),
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null
		});
		const body = await eventually(
			() =>
				db()
					.prepare("SELECT text FROM mail_outbox WHERE to_address = 'newcomer@example.net'")
					.pluck()
					.get() as string | undefined,
			'the invitation mail'
		);
		inviteToken = /#token=([a-z2-7]+)/.exec(body)![1]!;
		const asked = await signedIn(server, 'nora').post('/api/projects/p1/requests', {
			kind: 'join',
			role: 'analyst',
			message: 'For the office reports'
		});
		expect(asked.status).toBe(201);
		const now = Date.now();
		server.app.registry.change('project/p1', (roots) =>
			roots.handovers.set('h-1', {
				id: 'h-1',
				kind: 'step-down',
				askedBy: 'iza',
				askedOf: 'nadia',
				stepDownTo: 'analyst',
				message: '',
				createdAt: now,
				status: 'pending',
				answeredAt: null,
				reply: null
			})
		);
		server.app.registry.change('view/p1/main', (roots) => {
			roots.boards.set('b-1', {
				id: 'b-1',
				name: 'Loans',
				description: '',
				reports: [],
				createdBy: 'iza',
				createdAt: now,
				updatedBy: 'iza',
				updatedAt: now
			});
			roots.subscriptions.set('s-1', {
				id: 's-1',
				boardId: 'b-1',
				cadence: 'weekly',
				recipients: [email('iza'), email('nadia')],
				paused: false,
				createdBy: 'iza',
				createdAt: now,
				updatedBy: 'iza',
				updatedAt: now
			});
		});
		const portalInput = { origins: ['https://portal.example.org'], projectIds: ['p1'] };
		auroraPortalId = registerPortal(
			server.app.authDb,
			'harbour',
			{ name: 'Aurora Portal', ...portalInput },
			'iza'
		).portal.id;
		const office = registerPortal(
			server.app.authDb,
			'harbour',
			{ name: 'Office Portal', ...portalInput },
			'nadia'
		);
		officePortal = { id: office.portal.id, apiKey: office.apiKey, consortiumId: 'harbour' };
		grantPortal(server, officePortal, 'ian');
		grantPortal(server, officePortal, 'nadia');
	});

	it('is the consortium office’s alone', async () => {
		for (const accountId of ['iza', 'ian', 'bea', 'nora']) {
			const client = signedIn(server, accountId);
			for (const answer of [
				await client.get('/api/consortia/harbour/offboarding'),
				await client.get('/api/consortia/harbour/offboarding/aurora'),
				await client.post('/api/consortia/harbour/offboarding/aurora', {
					fingerprint: 'x',
					confirmation: 'Aurora'
				}),
				await client.get('/api/consortia/harbour/audit')
			]) {
				expect(answer.status).toBe(403);
				expect(answer.body.error.code).toBe('not-network-zone-admin');
			}
		}
		const nadia = signedIn(server, 'nadia');
		expect((await nadia.get('/api/consortia/nowhere/offboarding/aurora')).status).toBe(404);
		const unknown = await nadia.get('/api/consortia/harbour/offboarding/atlantis');
		expect(unknown.body.error.code).toBe('zone-not-found');
		const office = await nadia.get('/api/consortia/harbour/offboarding/nz');
		expect([office.status, office.body.error.code]).toEqual([400, 'not-an-institution-zone']);
		const zones = await nadia.get('/api/consortia/harbour/offboarding');
		expect(zones.body.zones).toEqual([
			{ id: 'aurora', name: 'Aurora', people: 3, leftAt: null, unfinished: false },
			{ id: 'borealis', name: 'Borealis', people: 1, leftAt: null, unfinished: false }
		]);
		expect(memberIds('p1')).toEqual(['cole', 'ian', 'iza', 'nadia']);
	});

	it('previews everything of the library across the projects', async () => {
		const plan = await preview('harbour', 'aurora');
		expect(plan.zone).toEqual({ id: 'aurora', name: 'Aurora' });
		expect(plan.people).toEqual(['cole', 'ian', 'iza']);
		expect(plan.refusals).toEqual([]);
		const [p1, p2] = plan.projects;
		expect(p1!.projectName).toBe('Aurora Analytics');
		expect(p1!.memberships.map((m) => [m.accountId, m.role])).toEqual([
			['cole', 'consumer'],
			['ian', 'analyst'],
			['iza', 'admin']
		]);
		expect(p1!.invitations).toEqual([
			{ inviteId: 'inv-1', email: 'newcomer@example.net', role: 'analyst', status: 'sent' }
		]);
		expect(p1!.requests).toEqual([
			expect.objectContaining({ kind: 'join', requesterEmail: email('nora') })
		]);
		expect(p1!.handovers).toEqual([
			{ handoverId: 'h-1', askedByName: 'Name of iza', askedOfName: 'Name of nadia' }
		]);
		expect(p1!.subscriptions).toEqual([
			expect.objectContaining({
				subscriptionId: 's-1',
				boardName: 'Loans',
				outcome: 'end',
				reason: 'shows-its-data',
				recipients: [email('iza')]
			})
		]);
		expect(p1!.keptViews).toEqual([{ viewId: 'main', viewName: 'Aurora' }]);
		// Borealis's project only learns that Aurora left.
		expect(p2).toMatchObject({
			projectName: 'Borealis Analytics',
			memberships: [],
			marksZoneLeft: true
		});
		expect(plan.portals).toEqual([
			{ portalId: auroraPortalId, name: 'Aurora Portal', registeredByName: 'Name of iza' }
		]);
		expect(plan.grants).toEqual([
			{
				portalId: officePortal.id,
				portalName: 'Office Portal',
				accountId: 'ian',
				name: 'Name of ian'
			}
		]);
		expect(plan.counts).toEqual({
			people: 3,
			memberships: 3,
			invitations: 1,
			requests: 1,
			handovers: 1,
			subscriptionsEnded: 1,
			subscriptionsTrimmed: 0,
			portals: 1,
			grants: 1
		});
		// A preview changes nothing.
		expect(memberIds('p1')).toEqual(['cole', 'ian', 'iza', 'nadia']);
	});

	it('applies in one step and leaves nothing of the library behind', async () => {
		const ian = connect('ian', 'project/p1');
		await ian.synced();
		const embedded = tokenSocket(server, 'project/p1', {
			token: await embeddedToken(server, officePortal, email('ian'))
		});
		await embedded.opened;
		const plan = await preview('harbour', 'aurora');
		const applied = await apply('harbour', 'aurora', {
			fingerprint: plan.fingerprint,
			confirmation: '  aurora '
		});
		expect(applied.status).toBe(200);
		const result = applied.body as OffboardingResult;
		expect(result.counts).toEqual(plan.counts);
		expect(result.projects.map((project) => project.name)).toEqual([
			'Aurora Analytics',
			'Borealis Analytics'
		]);

		// Memberships, in the documents and the index; nadia, from the office, stays.
		expect(memberIds('p1')).toEqual(['nadia']);
		expect(
			db().prepare("SELECT COUNT(*) FROM memberships WHERE zone_id = 'aurora'").pluck().get()
		).toBe(0);
		// The invitation, and its link, which now says it was withdrawn.
		expect(serverValue(server, 'project/p1', 'invites', 'inv-1')).toBeUndefined();
		const link = await signedIn(server, 'nora').post('/api/invites/preview', {
			token: inviteToken
		});
		expect([link.status, link.body.error.code]).toEqual([410, 'invite-revoked']);
		// Nora's request is closed with the reason, and she is told.
		const request = serverValue(
			server,
			'project/p1',
			'requests',
			pendingRequestId()
		) as AccessRequest;
		expect(request).toMatchObject({
			status: 'denied',
			decisionReason: 'Aurora left the consortium.'
		});
		expect(
			db().prepare("SELECT COUNT(*) FROM access_requests WHERE status = 'pending'").pluck().get()
		).toBe(0);
		expect((serverValue(server, 'project/p1', 'handovers', 'h-1') as HandoverRequest).status).toBe(
			'withdrawn'
		);
		// No subscription shows Aurora's data or goes to its people.
		expect(serverValue(server, 'view/p1/main', 'subscriptions', 's-1')).toBeUndefined();
		expect(db().prepare('SELECT COUNT(*) FROM subscription_schedule').pluck().get()).toBe(0);
		// The data view stays, with its data.
		expect(serverValue(server, 'view/p1/main', 'boards', 'b-1')).toMatchObject({ name: 'Loans' });
		// Its portal is revoked; ian's consent went, nadia's stays.
		const portal = db()
			.prepare('SELECT revoked_at, revoked_by FROM embed_portals WHERE id = ?')
			.get(auroraPortalId) as { revoked_at: number | null; revoked_by: string };
		expect(portal.revoked_at).not.toBeNull();
		expect(portal.revoked_by).toBe('nadia');
		expect(
			db().prepare('SELECT account_id FROM embed_grants ORDER BY account_id').pluck().all()
		).toEqual(['nadia']);
		// Open connections close: the console's (access revoked) and the portal's.
		await eventually(
			() => ian.closes.some((close) => close.code === 4410),
			'ian’s connection to close'
		);
		expect([4401, 4410]).toContain(await embedded.closed);
		// The zone stays, marked as left in every project, and nobody can be added to it again.
		expect(zoneIn('p1', 'aurora')).toMatchObject({ name: 'Aurora', leftAt: expect.any(Number) });
		expect(zoneIn('p2', 'aurora').leftAt).toBeDefined();
		const nadia = connect('nadia', 'project/p1');
		await nadia.synced();
		nadia.map('invites').set('inv-2', reinvite('inv-2', 'nadia', email('ian')));
		await eventually(() => nadia.verdicts.length === 1, 'the refusal');
		expect(nadia.verdicts[0]!.rejected[0]!.code).toBe('zone-left');

		// One entry in the consortium's log, in words; each project's log has its changes.
		const entries = await consortiumLog('harbour');
		expect(entries).toHaveLength(1);
		expect(entries[0]!.sentence).toBe(
			'Name of nadia offboarded Aurora (3 people) from Aurora Analytics and Borealis Analytics: removed 3 memberships, 1 open invitation, 1 pending request and 1 hand-over request; ended 1 subscription; revoked 1 portal; withdrew 1 consent its people gave to portals'
		);
		expect(result.sentence).toBe(entries[0]!.sentence);
		const projectLog = await signedIn(server, 'nadia').get('/api/projects/p1/audit?author=server');
		const sentences = (projectLog.body as AuditPage).entries.map((entry) => entry.sentence);
		expect(sentences).toContain('Name of ian was removed from the project');
		expect(sentences).toContain('Name of iza’s hand-over request to Name of nadia was closed');
		expect(sentences).toContain('The server marked the zone Aurora as having left the consortium');
		const zones = await signedIn(server, 'nadia').get('/api/consortia/harbour/offboarding');
		expect(zones.body.zones[0]).toMatchObject({ id: 'aurora', leftAt: result.completedAt });
	});

	it('refuses a project that would keep no Project Admin, and changes nothing', async () => {
		const plan = await preview('harbour', 'borealis');
		expect(plan.refusals).toEqual([
			expect.objectContaining({
				code: 'last-admin',
				projectId: 'p2',
				projectName: 'Borealis Analytics'
			})
		]);
		expect(plan.refusals[0]!.message).toContain('npm run admin -- invite-admin --project p2');
		const applied = await apply('harbour', 'borealis', {
			fingerprint: plan.fingerprint,
			confirmation: 'Borealis'
		});
		expect([applied.status, applied.body.error.code]).toEqual([409, 'offboarding-refused']);
		expect(memberIds('p2')).toEqual(['bea']);
		expect(zoneIn('p1', 'borealis').leftAt).toBeUndefined();
		expect(await consortiumLog('harbour')).toEqual([]);
	});

	it('refuses a plan that changed since the preview, or an unconfirmed one, and changes nothing', async () => {
		const plan = await preview('harbour', 'aurora');
		const wrongName = await apply('harbour', 'aurora', {
			fingerprint: plan.fingerprint,
			confirmation: 'Borealis'
		});
		expect([wrongName.status, wrongName.body.error.code]).toEqual([400, 'confirmation-mismatch']);
		const iza = connect('iza', 'project/p1');
		await iza.synced();
		iza.setMember('cole', { role: 'analyst' });
		await eventually(
			() =>
				db().prepare("SELECT role FROM memberships WHERE account_id = 'cole'").pluck().get() ===
				'analyst',
			'cole’s new role'
		);
		const changed = await apply('harbour', 'aurora', {
			fingerprint: plan.fingerprint,
			confirmation: 'Aurora'
		});
		expect([changed.status, changed.body.error.code]).toEqual([409, 'offboarding-changed']);
		expect(memberIds('p1')).toEqual(['cole', 'ian', 'iza', 'nadia']);
		expect(zoneIn('p1', 'aurora').leftAt).toBeUndefined();
		expect(await consortiumLog('harbour')).toEqual([]);
		const again = await preview('harbour', 'aurora');
		expect(again.fingerprint).not.toBe(plan.fingerprint);
		expect(
			(await apply('harbour', 'aurora', { fingerprint: again.fingerprint, confirmation: 'Aurora' }))
				.status
		).toBe(200);
	});

	it('finishes an offboarding a crash cut short, as one entry, and changes nothing once finished', async () => {
		// A crash after the first apply had begun and removed ian, before anything else.
		const plan = await preview('harbour', 'aurora');
		beginOffboarding(db(), {
			consortiumId: 'harbour',
			zoneId: 'aurora',
			by: 'nadia',
			at: Date.now(),
			items: offboardingItems(plan)
		});
		server.app.registry.change('project/p1', (roots) => roots.members.delete('ian'));

		const resumed = await preview('harbour', 'aurora');
		expect(resumed.unfinished).toEqual({
			startedAt: expect.any(Number),
			startedByName: 'Name of nadia'
		});
		expect(resumed.projects[0]!.memberships.map((m) => m.accountId)).toEqual(['cole', 'iza']);
		const finished = await apply('harbour', 'aurora', {
			fingerprint: resumed.fingerprint,
			confirmation: 'Aurora'
		});
		expect(finished.status).toBe(200);
		expect(finished.body.counts.memberships).toBe(3);
		expect(memberIds('p1')).toEqual(['nadia']);

		// Run again: nothing to do, nothing changed, still the one entry.
		const after = await preview('harbour', 'aurora');
		expect(after.projects).toEqual([]);
		expect(after.leftAt).toBe(finished.body.completedAt);
		const rerun = await apply('harbour', 'aurora', {
			fingerprint: after.fingerprint,
			confirmation: 'Aurora'
		});
		expect(rerun.status).toBe(200);
		expect(rerun.body).toEqual(finished.body);
		expect(await consortiumLog('harbour')).toHaveLength(1);
		expect(db().prepare('SELECT COUNT(*) FROM offboardings').pluck().get()).toBe(1);
	});

	function pendingRequestId(): string {
		return db()
			.prepare("SELECT request_id FROM access_requests WHERE requester_id = 'nora'")
			.pluck()
			.get() as string;
	}
});

describe('offboarding a library in network-zone management', () => {
	beforeEach(async () => {
		server = await startWorkflowServer({ options: { documents: { unloadAfterMs: 0 } } });
		setUpProject(server, 'network-zone', [
			{ accountId: 'nadia', role: 'admin', zone: 'nz' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' },
			{ accountId: 'ian', role: 'analyst', zone: 'aurora' },
			{ accountId: 'ivy', role: 'consumer', zone: 'aurora' },
			{ accountId: 'bo', role: 'consumer', zone: 'borealis' }
		]);
		const now = Date.now();
		const stamps = (id: string, by: string) => ({
			id,
			createdBy: by,
			createdAt: now,
			updatedBy: by,
			updatedAt: now
		});
		const subscription = (id: string, by: string, recipients: string[]) => ({
			...stamps(id, by),
			boardId: 'b',
			cadence: 'weekly' as const,
			recipients: recipients.map(email),
			paused: false
		});
		const board = { ...stamps('b', 'nadia'), name: 'Loans', description: '', reports: [] };
		server.app.registry.change('view/p1/global', (roots) => {
			roots.boards.set('b', board);
			roots.subscriptions.set('mixed', subscription('mixed', 'nadia', ['nadia', 'ian']));
			roots.subscriptions.set('ians', subscription('ians', 'ian', ['ian', 'nia']));
			roots.subscriptions.set('only', subscription('only', 'nia', ['ivy']));
			roots.subscriptions.set('office', subscription('office', 'nia', ['nia']));
		});
		server.app.registry.change('view/p1/iz-aurora', (roots) => {
			roots.boards.set('b', board);
			roots.subscriptions.set('aurora', subscription('aurora', 'nadia', ['nadia']));
		});
		server.app.registry.change('view/p1/iz-borealis', (roots) => {
			roots.boards.set('b', board);
			roots.subscriptions.set('borealis', subscription('borealis', 'nadia', ['nadia', 'bo']));
		});
	});

	it('ends the subscriptions of its data view and its people’s, and takes them off the others', async () => {
		const consortiumId = db().prepare('SELECT id FROM consortia').pluck().get() as string;
		const plan = await preview(consortiumId, 'aurora');
		const outcomes = plan.projects[0]!.subscriptions.map((s) => [
			s.subscriptionId,
			s.outcome,
			s.reason
		]);
		expect(outcomes).toEqual([
			['ians', 'end', 'made-by-its-people'],
			['mixed', 'trim', 'some-of-its-people'],
			['only', 'end', 'only-its-people'],
			['aurora', 'end', 'shows-its-data']
		]);
		expect(plan.projects[0]!.keptViews).toEqual([{ viewId: 'iz-aurora', viewName: 'Aurora' }]);
		const applied = await apply(consortiumId, 'aurora', {
			fingerprint: plan.fingerprint,
			confirmation: 'Aurora'
		});
		expect(applied.status).toBe(200);
		expect(memberIds('p1')).toEqual(['bo', 'nadia', 'nia']);
		const left = (viewId: string) =>
			server.app.registry.read(`view/p1/${viewId}`, (document) =>
				Object.fromEntries(
					[...document.root('subscriptions').values()].map((s) => [s.id, s.recipients])
				)
			);
		expect(left('global')).toEqual({ mixed: [email('nadia')], office: [email('nia')] });
		expect(left('iz-aurora')).toEqual({});
		expect(left('iz-borealis')).toEqual({ borealis: [email('nadia'), email('bo')] });
		expect(serverValue(server, 'view/p1/iz-aurora', 'boards', 'b')).toMatchObject({
			name: 'Loans'
		});
		const recipients = db()
			.prepare('SELECT recipients FROM subscription_schedule')
			.pluck()
			.all() as string[];
		expect(recipients.join()).not.toMatch(/ian@|ivy@/);
		const [entry] = await consortiumLog(consortiumId);
		expect(entry!.sentence).toBe(
			'Name of nadia offboarded Aurora (2 people) from Analytics: removed 2 memberships; ended 3 subscriptions; took its people off 1 other subscription'
		);
	});
});

function memberIds(projectId: string): string[] {
	return server.app.registry
		.read(`project/${projectId}`, (document) => [...document.root('members').keys()])!
		.sort();
}

/** An invitation into Aurora, as a Project Admin's console writes it. */
function reinvite(id: string, by: string, address: string): Invite {
	return {
		id,
		email: address,
		role: 'analyst',
		zoneId: 'aurora',
		scope: 'all',
		invitedBy: by,
		invitedAt: Date.now(),
		sendRequests: 1,
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null
	};
}
