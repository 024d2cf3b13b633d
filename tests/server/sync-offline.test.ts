import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import { SyncClient, setUpProject, startSyncServer, stateOf } from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName = 'project/p1'): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

function serverState(): string {
	return server.app.registry.read('project/p1', (document) => stateOf(document.doc))!;
}

beforeEach(async () => {
	server = await startSyncServer();
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('a client that was offline', () => {
	it('has the forbidden change of its batch reverted everywhere, keeps the others, and settles', async () => {
		const ada = connect('ada');
		const bo = connect('bo');
		await Promise.all([ada.synced(), bo.synced()]);

		ada.provider.disconnect();
		ada.setMember('nia', { role: 'consumer' });
		ada.setMember('ian', { role: 'admin' });
		ada.setMember('ned', { role: 'analyst' });
		expect(ada.member('ian')!.role).toBe('admin');
		const closesBefore = ada.closes.length;

		ada.provider.connect();
		await eventually(() => ada.verdicts.length === 1, 'the verdict');
		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ key: 'ian', code: 'iz-user-cannot-be-admin' })
		]);
		await eventually(
			() => stateOf(ada.doc) === serverState() && stateOf(bo.doc) === serverState(),
			'convergence'
		);

		for (const client of [ada, bo]) {
			expect(client.member('ian')!.role).toBe('analyst');
			expect(client.member('nia')!.role).toBe('consumer');
			expect(client.member('ned')!.role).toBe('analyst');
		}
		// Nothing stays pending: the author's state vector is the server's, and Yjs holds nothing back.
		const serverVector = server.app.registry.read('project/p1', (document) =>
			Y.encodeStateVector(document.doc)
		)!;
		expect(Y.encodeStateVector(ada.doc)).toEqual(serverVector);
		expect((ada.doc.store as unknown as { pendingStructs: unknown }).pendingStructs).toBeNull();
		// And no reconnect loop: the connection stays up and sends nothing more to refuse.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(ada.closes.length).toBe(closesBefore);
		expect(ada.provider.wsconnected).toBe(true);
		expect(ada.verdicts).toHaveLength(1);
	});

	it('keeps its changes across a reconnect when all of them are allowed', async () => {
		const ada = connect('ada');
		await ada.synced();
		ada.provider.disconnect();
		ada.setMember('nia', { role: 'consumer' });
		ada.provider.connect();
		await eventually(() => stateOf(ada.doc) === serverState(), 'convergence');
		expect(ada.verdicts).toEqual([]);
		expect(ada.member('nia')!.role).toBe('consumer');
	});
});
