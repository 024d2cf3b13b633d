/**
 * A large project document that nobody has open, asked for whole by a client that has nothing of
 * it: a member is sent it as stored while the server still loads it, and nobody else is sent
 * anything before the loaded document has said they may read it. Whatever happens to the document
 * between that answer and the connection's opening reaches the client too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../../src/lib/shared';
import { createAccount } from '../../server/auth/accounts';
import { invalidateAccountSessions } from '../../server/auth/sessions';
import { forgetIndexStamps } from '../../server/features/index-stamps';
import { eventually } from '../support/eventually';
import { LARGE, largeMember, setUpLargeProject } from '../support/large-project';
import { testAuthPolicy } from '../support/auth';
import { startServer, type TestServer } from '../support/server';
import { SyncClient, rawSocket, syncMessage, type RawSocket } from '../support/sync';

const MEMBERS = 1000;

let server: TestServer;
const clients: SyncClient[] = [];

beforeEach(async () => {
	// Small slices: the load takes hundreds of turns of the event loop, time enough to tell an
	// answer sent while it loads from one sent after.
	server = await startServer(
		{ auth: testAuthPolicy() },
		{ METRICS_TOKEN: 'a-metrics-token-of-at-least-32-characters' },
		{ documents: { unloadAfterMs: 0, loadSliceBytes: 1024 } }
	);
	await setUpLargeProject(server, MEMBERS, [
		{ accountId: 'bo', role: 'admin' },
		{ accountId: 'ned', role: 'consumer' }
	]);
	createAccount(server.app.authDb, { id: 'eve', email: 'eve@example.org', name: 'Eve' });
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

const stillLoading = () => server.app.registry.get(LARGE) === undefined;

/** What the server counted of clients sent the stored state while it loaded (/metrics). */
async function sentFromStore(): Promise<number> {
	const text = await server.app.metrics!.exposition();
	return Number(/^console_sync_states_sent_from_store_total (\S+)$/m.exec(text)![1]);
}

/** A client of `accountId` with nothing of the document, and whether it was synced while it loaded. */
function connect(
	accountId: string,
	onSynced: () => void = () => undefined
): { client: SyncClient; syncedWhileLoading: Promise<boolean> } {
	const client = new SyncClient(server, accountId, LARGE);
	clients.push(client);
	const syncedWhileLoading = new Promise<boolean>((resolve) =>
		client.provider.once('sync', () => {
			resolve(stillLoading());
			onSynced();
		})
	);
	return { client, syncedWhileLoading };
}

/** A bare socket that asks for the whole document as soon as it opens. */
function askForEverything(accountId: string): RawSocket {
	const socket = rawSocket(server, accountId, LARGE);
	socket.ws.on('open', () => socket.ws.send(syncMessage(Y.encodeStateVector(new Y.Doc()), 0)));
	return socket;
}

describe('a stored project document asked for whole', () => {
	it('is sent to a member as stored while the server still loads it, whole', async () => {
		const { client, syncedWhileLoading } = connect('ned');
		expect(await syncedWhileLoading).toBe(true);
		expect(client.map('members').size).toBe(MEMBERS + 3);
		expect(await sentFromStore()).toBe(1);
	});

	it('leaves the connection working once loaded: a change made after it reaches that member', async () => {
		const { client: ned, syncedWhileLoading } = connect('ned');
		expect(await syncedWhileLoading).toBe(true);
		const { client: bo } = connect('bo');
		await bo.synced();
		bo.setMember('m7', { role: 'analyst' });
		await eventually(() => ned.member('m7')?.role === 'analyst', 'Bo’s change to reach Ned');
	});

	it('brings the member what the server changed after sending it and before the connection opened', async () => {
		const { client, syncedWhileLoading } = connect('ned', () =>
			// Finishes the load at once, and changes the document before Ned's connection is open.
			server.app.registry.change(LARGE, (roots) =>
				roots.members.set('m5', { ...largeMember('m5'), role: 'analyst' })
			)
		);
		expect(await syncedWhileLoading).toBe(true);
		await eventually(
			() => client.member('m5')?.role === 'analyst',
			'the change made while Ned waited to reach Ned'
		);
		expect(client.map('members').size).toBe(MEMBERS + 3);
	});

	it('is sent whole to two clients of one member that ask for it at once', async () => {
		const [first, second] = [connect('ned'), connect('ned')];
		expect(await Promise.all([first.syncedWhileLoading, second.syncedWhileLoading])).toEqual([
			true,
			true
		]);
		expect(first.client.map('members').size).toBe(MEMBERS + 3);
		expect(second.client.map('members').size).toBe(MEMBERS + 3);
	});

	it('is not sent for a first message that does not read as a sync message: it closes the connection once loaded', async () => {
		const socket = rawSocket(server, 'ned', LARGE);
		// A step 1 whose state vector says it is longer than the message.
		socket.ws.on('open', () => socket.ws.send(new Uint8Array([0, 0, 0xff, 0x7f, 1])));
		expect((await socket.closed).code).toBe(CLOSE.resetRequired.code);
		const states = socket.received.filter((message) => message[0] === 0 && message[1] !== 0);
		expect(states).toEqual([]);
	});

	it('is sent nothing of to an account that is not a member: refused (4403) once loaded', async () => {
		const socket = askForEverything('eve');
		expect((await socket.closed).code).toBe(CLOSE.forbidden.code);
		expect(socket.received).toEqual([]);
	});

	it('is sent nothing of to a member whose session ended before the answer (4401)', async () => {
		const socket = rawSocket(server, 'ned', LARGE);
		socket.ws.on('open', () => {
			invalidateAccountSessions(server.app.authDb.db, 'ned');
			socket.ws.send(syncMessage(Y.encodeStateVector(new Y.Doc()), 0));
		});
		expect((await socket.closed).code).toBe(CLOSE.unauthenticated.code);
		expect(socket.received).toEqual([]);
	});

	it('waits for the load when the indexes are not known to be in step with it, then is whole', async () => {
		forgetIndexStamps(server.app.db);
		const { client, syncedWhileLoading } = connect('ned');
		expect(await syncedWhileLoading).toBe(false);
		expect(client.map('members').size).toBe(MEMBERS + 3);
		expect(await sentFromStore()).toBe(0);
	});

	it('waits for the load when the indexes cannot be read, then is whole', async () => {
		server.app.db.exec('DROP TABLE index_stamps');
		const { client, syncedWhileLoading } = connect('ned');
		expect(await syncedWhileLoading).toBe(false);
		expect(client.map('members').size).toBe(MEMBERS + 3);
	});

	it('waits for the load when changes follow the stored snapshot, then is whole', async () => {
		const { registry } = server.app;
		// A change appended after the snapshot, then the document dropped without compacting it, as a
		// crash of the process would leave it.
		const held = registry.acquire(LARGE)!;
		registry.change(LARGE, (roots) =>
			roots.members.set('m9', { ...largeMember('m9'), role: 'analyst' })
		);
		registry.broken(held);
		const { client, syncedWhileLoading } = connect('ned');
		expect(await syncedWhileLoading).toBe(false);
		expect(client.member('m9')?.role).toBe('analyst');
		expect(client.map('members').size).toBe(MEMBERS + 3);
	});
});
