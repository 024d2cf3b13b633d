import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessRequest, Board, BoardSubscription } from '../../src/lib/shared';
import { TestClock } from '../support/auth';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { SyncClient } from '../support/sync';
import {
	email,
	outboxRecipients,
	setUpHarbour,
	signedIn,
	startWorkflowServer
} from '../support/workflows';

const DAY = 86_400_000;

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
const clients: SyncClient[] = [];
const directories: string[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

/** Boards written by the server into p1's data view, as if Iza had made them. */
function addBoards(target: TestServer): void {
	const now = clock.now();
	const board = (id: string, name: string, reports: string[]): Board => ({
		id,
		createdBy: 'iza',
		createdAt: now,
		updatedBy: 'iza',
		updatedAt: now,
		name,
		description: '',
		reports: reports.map((title, index) => ({
			id: `${id}-r${index}`,
			title,
			kind: 'insights',
			query: ''
		}))
	});
	target.app.registry.change('view/p1/main', (roots) => {
		roots.boards.set('loans', board('loans', 'Loans', ['Loans per branch', 'Renewals']));
		roots.boards.set('visits', board('visits', 'Visits', []));
	});
}

/** A subscription written by the server on behalf of its creator. */
function subscribe(
	target: TestServer,
	input: Pick<BoardSubscription, 'createdBy' | 'recipients'> & Partial<BoardSubscription>
): BoardSubscription {
	const now = clock.now();
	const subscription: BoardSubscription = {
		id: `s-${Math.random().toString(36).slice(2)}`,
		createdAt: now,
		updatedBy: input.createdBy,
		updatedAt: now,
		boardId: 'loans',
		cadence: 'daily',
		paused: false,
		...input
	};
	target.app.registry.change('view/p1/main', (roots) =>
		roots.subscriptions.set(subscription.id, subscription)
	);
	return subscription;
}

const digestsTo = (target: TestServer, accountId: string) =>
	outboxRecipients(target, 'digest: Loans').filter((to) => to === email(accountId)).length;

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.UTC(2025, 0, 15, 9, 0, 0));
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
	for (const directory of directories.splice(0))
		rmSync(directory, { recursive: true, force: true });
});

describe('a subscription request', () => {
	beforeEach(async () => {
		server = await startWorkflowServer({ smtp, clock });
		setUpHarbour(server);
		addBoards(server);
	});

	it('offers the board names of the single data view to a requester who cannot read it', async () => {
		const boards = await signedIn(server, 'nora').get('/api/projects/p1/boards');
		expect(boards.status).toBe(200);
		expect(boards.body).toEqual({
			viewId: 'main',
			viewName: 'Aurora',
			boards: [
				{ id: 'loans', name: 'Loans' },
				{ id: 'visits', name: 'Visits' }
			]
		});
		const outsider = await signedIn(server, 'bea').get('/api/projects/p1/boards');
		expect(outsider.status).toBe(403);
		expect(outsider.body.error.code).toBe('requester-not-network-zone');
	});

	it('refuses boards the data view does not have', async () => {
		const refused = await signedIn(server, 'nora').post('/api/projects/p1/requests', {
			kind: 'subscription',
			boardIds: ['loans', 'nope'],
			cadence: 'weekly',
			message: ''
		});
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatchObject({
			code: 'unknown-board',
			fields: { boardIds: ['There is no board "nope" in Aurora.'] }
		});
	});

	it('once approved, creates a subscription owned by the requester that is delivered once per period', async () => {
		const iza = connect('iza', 'project/p1');
		const view = connect('iza', 'view/p1/main');
		await Promise.all([iza.synced(), view.synced()]);
		const sent = await signedIn(server, 'nora').post('/api/projects/p1/requests', {
			kind: 'subscription',
			boardIds: ['loans'],
			cadence: 'daily',
			message: 'For the NZ dashboard'
		});
		expect(sent.status).toBe(201);
		expect(sent.body.request).toMatchObject({ viewId: 'main', boardNames: ['Loans'] });
		expect((await smtp.nextMessageTo(email('iza'))).subject).toBe(
			'Name of nora asks to receive a daily digest of Loans from Aurora Analytics'
		);
		await eventually(() => iza.map('requests').has(sent.body.request.id), 'the request');
		const request = iza.map<AccessRequest>('requests').get(sent.body.request.id)!;
		iza.map('requests').set(request.id, {
			...request,
			status: 'approved',
			decidedBy: 'iza',
			decidedAt: clock.now(),
			decisionReason: null
		});

		await eventually(() => view.map('subscriptions').size === 1, 'the subscription');
		const [subscription] = [...view.map<BoardSubscription>('subscriptions').values()];
		expect(subscription).toMatchObject({
			createdBy: 'nora',
			boardId: 'loans',
			cadence: 'daily',
			recipients: [email('nora')],
			paused: false
		});
		expect((await smtp.nextMessageTo(email('nora'))).subject).toBe(
			'Your request to receive a daily digest of Loans from Aurora Analytics was approved'
		);

		expect(server.app.digests.runDue()).toBe(0);
		clock.advance(DAY - 1);
		expect(server.app.digests.runDue()).toBe(0);
		clock.advance(1);
		expect(server.app.digests.runDue()).toBe(1);
		const digest = await smtp.nextMessageTo(email('nora'));
		expect(digest.subject).toBe('Daily digest: Loans (Aurora Analytics)');
		expect(digest.text).toContain('“Loans per branch”, “Renewals”');
		expect(digest.text).toContain(`${server.url}/projects/p1/views/main/boards/loans`);
		expect(server.app.digests.runDue()).toBe(0);
		expect(digestsTo(server, 'nora')).toBe(1);

		clock.advance(DAY);
		expect(server.app.digests.runDue()).toBe(1);
		expect(digestsTo(server, 'nora')).toBe(2);
	});
});

describe('delivering subscriptions', () => {
	beforeEach(async () => {
		server = await startWorkflowServer({ smtp, clock });
		setUpHarbour(server);
		addBoards(server);
	});

	it('stops when the subscription is deleted by its creator', async () => {
		const view = connect('ian', 'view/p1/main');
		await view.synced();
		const subscription = subscribe(server, { createdBy: 'ian', recipients: [email('ian')] });
		clock.advance(DAY);
		server.app.digests.runDue();
		expect(digestsTo(server, 'ian')).toBe(1);

		await eventually(() => view.map('subscriptions').has(subscription.id), 'the subscription');
		view.map('subscriptions').delete(subscription.id);
		await eventually(
			() =>
				server.app.registry.read(
					'view/p1/main',
					(document) => !document.root('subscriptions').has(subscription.id)
				),
			'the deletion'
		);
		clock.advance(3 * DAY);
		expect(server.app.digests.runDue()).toBe(0);
		expect(digestsTo(server, 'ian')).toBe(1);
	});

	it('stops for a recipient whose access ends, and goes on for the others', async () => {
		subscribe(server, { createdBy: 'iza', recipients: [email('iza'), email('cole')] });
		clock.advance(DAY);
		server.app.digests.runDue();
		expect([digestsTo(server, 'iza'), digestsTo(server, 'cole')]).toEqual([1, 1]);

		const iza = connect('iza', 'project/p1');
		await iza.synced();
		iza.map('members').delete('cole');
		await eventually(
			() => server.app.registry.read('project/p1', (document) => !document.index!.member('cole')),
			'the removal'
		);
		clock.advance(DAY);
		expect(server.app.digests.runDue()).toBe(1);
		expect([digestsTo(server, 'iza'), digestsTo(server, 'cole')]).toEqual([2, 1]);
	});

	it('never mails an address without access, and sends nothing while paused', async () => {
		const paused = subscribe(server, {
			createdBy: 'iza',
			recipients: [email('iza')],
			paused: true
		});
		subscribe(server, { createdBy: 'ian', recipients: ['stranger@elsewhere.example'] });
		clock.advance(3 * DAY);
		server.app.digests.runDue();
		expect(outboxRecipients(server, 'digest: Loans')).toEqual([]);

		server.app.registry.change('view/p1/main', (roots) =>
			roots.subscriptions.set(paused.id, { ...paused, paused: false })
		);
		expect(server.app.digests.runDue()).toBe(0);
		clock.advance(DAY);
		server.app.digests.runDue();
		expect(outboxRecipients(server, 'digest: Loans')).toEqual([email('iza')]);
	});

	it('delivers on its own timer', async () => {
		await server.close();
		server = await startWorkflowServer({
			smtp,
			clock,
			options: { workflows: { digestCheckIntervalMs: 20 } }
		});
		setUpHarbour(server);
		addBoards(server);
		subscribe(server, { createdBy: 'ian', recipients: [email('ian')], cadence: 'weekly' });
		clock.advance(7 * DAY);
		const digest = await smtp.nextMessageTo(email('ian'));
		expect(digest.subject).toBe('Weekly digest: Loans (Aurora Analytics)');
	});
});

describe('delivering subscriptions across restarts', () => {
	it('sends a digest that fell due while the server was down once, and never twice', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-digests-'));
		directories.push(dataDir);
		server = await startWorkflowServer({ smtp, clock, dataDir });
		setUpHarbour(server);
		addBoards(server);
		subscribe(server, { createdBy: 'ian', recipients: [email('ian')] });
		clock.advance(DAY);
		server.app.digests.runDue();
		expect(digestsTo(server, 'ian')).toBe(1);
		await smtp.nextMessageTo(email('ian'));

		// Down over the next due time, and then some.
		clock.advance(DAY + 3_600_000);
		await server.close();
		server = await startWorkflowServer({ smtp, clock, dataDir });
		const caughtUp = await smtp.nextMessageTo(email('ian'));
		expect(caughtUp.subject).toBe('Daily digest: Loans (Aurora Analytics)');
		expect(server.app.digests.runDue()).toBe(0);
		expect(digestsTo(server, 'ian')).toBe(2);

		await server.close();
		server = await startWorkflowServer({ smtp, clock, dataDir });
		expect(server.app.digests.runDue()).toBe(0);
		expect(digestsTo(server, 'ian')).toBe(2);
		clock.advance(DAY);
		expect(server.app.digests.runDue()).toBe(1);
		expect(digestsTo(server, 'ian')).toBe(3);
	});
});
