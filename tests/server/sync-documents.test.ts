import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE, closeReasonFor, type EntryChange } from '../../src/lib/shared';
import type { TestServer } from '../support/server';
import { SyncClient, rawSocket, serverValue, setUpProject, startSyncServer } from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

function stamped(author: string, id: string) {
	const now = Date.now();
	return { id, createdBy: author, createdAt: now, updatedBy: author, updatedAt: now };
}

beforeEach(async () => {
	server = await startSyncServer();
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('data view documents', () => {
	it('refuses a Consumer editing another user’s board, unseen by others', async () => {
		const nia = connect('nia', 'view/p1/global');
		const ned = connect('ned', 'view/p1/global');
		await Promise.all([nia.synced(), ned.synced()]);
		nia
			.map('boards')
			.set('b1', { ...stamped('nia', 'b1'), name: 'Circulation', description: '', reports: [] });
		await eventually(() => ned.map('boards').has('b1'), 'the board to reach Ned');

		const board = ned.map<Record<string, unknown>>('boards').get('b1')!;
		ned
			.map('boards')
			.set('b1', { ...board, name: 'Mine now', updatedBy: 'ned', updatedAt: Date.now() });
		await eventually(() => ned.verdicts.length === 1, 'the verdict');
		expect(ned.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ key: 'b1', code: 'creator-or-admin' })
		]);
		await eventually(
			() => (ned.map<{ name: string }>('boards').get('b1')?.name ?? '') === 'Circulation',
			'the revert'
		);
		expect(serverValue(server, 'view/p1/global', 'boards', 'b1')).toMatchObject({
			name: 'Circulation'
		});
	});

	it('keeps a Consumer’s custom events for themselves: refused in the shared view, kept privately', async () => {
		const ned = connect('ned', 'view/p1/global');
		const nedPrivate = connect('ned', 'private/p1/global/ned');
		await Promise.all([ned.synced(), nedPrivate.synced()]);
		const customEvent = {
			...stamped('ned', 'ce1'),
			name: 'Renewals',
			description: '',
			events: ['renew']
		};

		ned.map('customEvents').set('ce1', customEvent);
		await eventually(() => ned.verdicts.length === 1, 'the verdict');
		expect(ned.verdicts[0]!.rejected).toEqual([expect.objectContaining({ code: 'self-only' })]);

		nedPrivate.map('customEvents').set('ce1', customEvent);
		await eventually(
			() => serverValue(server, 'private/p1/global/ned', 'customEvents', 'ce1') !== undefined,
			'the private item'
		);
		expect(nedPrivate.verdicts).toEqual([]);
		expect((await rawSocket(server, 'ada', 'private/p1/global/ned').closed).code).toBe(
			CLOSE.forbidden.code
		);
	});

	it('lets an Institution Zone user open only their own zone’s data view', async () => {
		const ian = connect('ian', 'view/p1/iz-aurora');
		await ian.synced();
		expect((await rawSocket(server, 'ian', 'view/p1/global').closed).code).toBe(
			CLOSE.forbidden.code
		);
		expect((await rawSocket(server, 'ian', 'view/p1/iz-borealis').closed).code).toBe(
			CLOSE.forbidden.code
		);
	});

	it('judges a view change with the author’s current role', async () => {
		const nia = connect('nia', 'view/p1/global');
		const ada = connect('ada', 'project/p1');
		await Promise.all([nia.synced(), ada.synced()]);
		ada.setMember('nia', { role: 'consumer' });
		await eventually(
			() => server.app.registry.get('project/p1')!.index!.member('nia')!.role === 'consumer',
			'the demotion'
		);
		nia.map('subscriptions').set('s1', {
			...stamped('nia', 's1'),
			boardId: 'b1',
			cadence: 'weekly',
			recipients: ['nia@example.org'],
			paused: false
		});
		await eventually(() => nia.verdicts.length === 1, 'the verdict');
		expect(nia.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ code: 'role-not-permitted' })
		]);
	});
});

describe('revocation', () => {
	it('closes a removed member’s connections with 4410 as it accepts the removal, which tells the client to drop its copy', async () => {
		const ada = connect('ada', 'project/p1');
		const nedProject = connect('ned', 'project/p1');
		const nedView = connect('ned', 'view/p1/global');
		await Promise.all([ada.synced(), nedProject.synced(), nedView.synced()]);
		const closedAt = new Map<SyncClient, number>();
		for (const client of [nedProject, nedView])
			client.provider.on('connection-close', () => closedAt.set(client, performance.now()));
		// The last extension hears of the accepted removal after the revocation (the first) ran: by
		// then, in the same synchronous step, Ned must hold no connection any more.
		let acceptedAt = 0;
		let nedConnectedAfterwards: boolean | null = null;
		const removesNed = (changes: readonly EntryChange[]) =>
			changes.some((change) => change.key === 'ned' && change.after === undefined);
		server.app.registry.use({
			name: 'test: after every other extension',
			onAccepted: (_document, _author, changes) => {
				if (!removesNed(changes)) return;
				acceptedAt = performance.now();
				nedConnectedAfterwards = [...server.app.registry.documentsOfProject('p1')].some((live) =>
					[...live.peers].some((peer) => peer.accountId === 'ned')
				);
			}
		});

		ada.map('members').delete('ned');
		for (const client of [nedProject, nedView]) {
			await eventually(
				() => client.closes.some((close) => close.code === CLOSE.accessRevoked.code),
				'the revocation'
			);
		}
		expect(nedConnectedAfterwards).toBe(false);
		for (const client of [nedProject, nedView])
			expect(closedAt.get(client)! - acceptedAt).toBeLessThan(100);
		expect(closeReasonFor(CLOSE.accessRevoked.code)).toMatchObject({
			wipeLocalCopy: true,
			reconnect: false
		});
		expect(nedProject.provider.shouldConnect).toBe(false);
		expect((await rawSocket(server, 'ned', 'project/p1').closed).code).toBe(CLOSE.forbidden.code);
	});

	it('closes the connection to a data view a member was moved out of, and no other', async () => {
		const ada = connect('ada', 'project/p1');
		const globalView = connect('nia', 'view/p1/global');
		const auroraView = connect('nia', 'view/p1/iz-aurora');
		await Promise.all([ada.synced(), globalView.synced(), auroraView.synced()]);

		ada.setMember('nia', { scope: ['iz-aurora'] });
		await eventually(
			() => globalView.closes.some((close) => close.code === CLOSE.accessRevoked.code),
			'the revocation'
		);
		expect(auroraView.closes).toEqual([]);
		expect(auroraView.provider.wsconnected).toBe(true);
	});
});
