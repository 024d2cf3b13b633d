import {
	createEncoder,
	toUint8Array,
	writeVarString,
	writeVarUint,
	writeVarUint8Array
} from 'lib0/encoding';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/lib/shared';
import { createAccount } from '../../server/auth/accounts';
import { DEFAULT_SYNC_LIMITS } from '../../server/sync/limits';
import type { TestServer } from '../support/server';
import {
	SyncClient,
	rawSocket,
	sessionCookieFor,
	setUpProject,
	startSyncServer,
	stateOf,
	syncMessage
} from '../support/sync';
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

/** The other clients are still served: a change by Bo lands on the server and on Nia's screen. */
async function expectOthersStillServed(
	bo: SyncClient,
	nia: SyncClient,
	role: 'analyst' | 'consumer'
): Promise<void> {
	bo.setMember('ned', { role });
	await eventually(() => nia.member('ned')?.role === role, 'the server to keep serving others');
}

beforeEach(async () => {
	server = await startSyncServer({ syncLimits: { maxMessageBytes: 64 * 1024 } });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('structural abuse', () => {
	let bo: SyncClient;
	let nia: SyncClient;
	let before: string;

	beforeEach(async () => {
		bo = connect('bo');
		nia = connect('nia');
		await Promise.all([bo.synced(), nia.synced()]);
		bo.setMember('nia', { role: 'consumer' });
		await eventually(() => nia.member('nia')?.role === 'consumer', 'Bo’s clientID to be known');
		before = serverState();
	});

	it('resets a client that writes with another account’s clientID', async () => {
		const forger = new Y.Doc();
		Y.applyUpdate(forger, Y.encodeStateAsUpdate(bo.doc));
		// Yjs would pick a new clientID on seeing its own in an update: take Bo's after loading.
		forger.clientID = bo.doc.clientID;
		const vector = Y.encodeStateVector(forger);
		forger
			.getMap('members')
			.set('ada', { ...(forger.getMap('members').get('ada') as object), role: 'consumer' });
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		socket.ws.send(syncMessage(Y.encodeStateAsUpdate(forger, vector)));
		expect(await socket.closed).toEqual({
			code: CLOSE.resetRequired.code,
			reason: CLOSE.resetRequired.reason
		});
		expect(serverState()).toBe(before);
		await expectOthersStillServed(bo, nia, 'analyst');
	});

	it('resets a client that sends bytes that are not an update', async () => {
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		socket.ws.send(syncMessage(new Uint8Array([9, 200, 1, 7, 7, 7, 255, 3])));
		expect((await socket.closed).code).toBe(CLOSE.resetRequired.code);
		expect(serverState()).toBe(before);
		await expectOthersStillServed(bo, nia, 'analyst');
	});

	it('resets a client that writes to a root the document does not have', async () => {
		const doc = new Y.Doc();
		doc.getMap('secrets').set('x', 'y');
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		socket.ws.send(syncMessage(Y.encodeStateAsUpdate(doc)));
		expect((await socket.closed).code).toBe(CLOSE.resetRequired.code);
		expect(serverState()).toBe(before);
		await expectOthersStillServed(bo, nia, 'analyst');
	});

	it('resets a client that nests a type inside an entry', async () => {
		const doc = new Y.Doc();
		doc.getMap('members').set('zed', new Y.Map());
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		socket.ws.send(syncMessage(Y.encodeStateAsUpdate(doc)));
		expect((await socket.closed).code).toBe(CLOSE.resetRequired.code);
		expect(serverState()).toBe(before);
	});

	it('closes a connection that sends an oversized message, and refuses huge frames outright', async () => {
		const doc = new Y.Doc();
		doc.getMap('members').set('big', 'x'.repeat(100 * 1024));
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		socket.ws.send(syncMessage(Y.encodeStateAsUpdate(doc)));
		expect((await socket.closed).code).toBe(CLOSE.messageTooBig.code);

		const huge = rawSocket(server, 'ada', 'project/p1');
		await huge.opened;
		huge.ws.send(new Uint8Array(200 * 1024));
		expect((await huge.closed).code).toBe(1009);
		expect(serverState()).toBe(before);
		await expectOthersStillServed(bo, nia, 'analyst');
	});

	it('closes a connection that sends an unknown message type', async () => {
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		socket.ws.send(new Uint8Array([42, 1, 2]));
		expect((await socket.closed).code).toBe(CLOSE.resetRequired.code);
	});

	it('closes a connection that floods it with messages, and lets it come back', async () => {
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		const query = new Uint8Array([3]);
		for (let index = 0; index < 400 && socket.ws.readyState === socket.ws.OPEN; index++)
			socket.ws.send(query);
		expect((await socket.closed).code).toBe(CLOSE.rateLimited.code);
		const again = connect('ada');
		await again.synced();
	});

	it('answers one session’s requests for the document’s state at a bounded rate, over all its connections', async () => {
		// Each sync step 1 is answered with what the client lacks: for a client with little, work
		// the size of the document. Far below the message rate, one session gets a burst of them.
		const { stateRequestBurst } = DEFAULT_SYNC_LIMITS;
		const cookie = sessionCookieFor(server, 'nia');
		const asking = rawSocket(server, 'nia', 'project/p1', server.origin, cookie);
		await asking.opened;
		const littleState = Y.encodeStateVector(nia.doc);
		for (let index = 0; index < stateRequestBurst + 1; index++)
			asking.ws.send(syncMessage(littleState, 0));
		expect((await asking.closed).code).toBe(CLOSE.rateLimited.code);
		const answers = asking.received.filter((message) => message[0] === 0 && message[1] === 1);
		expect(answers.length).toBeLessThanOrEqual(stateRequestBurst);

		// A new connection of the same session has nothing left to spend; another session has.
		const again = rawSocket(server, 'nia', 'project/p1', server.origin, cookie);
		await again.opened;
		again.ws.send(syncMessage(littleState, 0));
		expect((await again.closed).code).toBe(CLOSE.rateLimited.code);
		await expectOthersStillServed(bo, connect('nia'), 'analyst');
	});

	it('keeps presence for the account’s own clientIDs only, with the name the server vouches for', async () => {
		const socket = rawSocket(server, 'ada', 'project/p1');
		await socket.opened;
		const ownClientId = 123_456_789;
		const entries = createEncoder();
		writeVarUint(entries, 2);
		for (const clientId of [bo.doc.clientID, ownClientId]) {
			writeVarUint(entries, clientId);
			writeVarUint(entries, 1);
			writeVarString(
				entries,
				JSON.stringify({ user: { accountId: 'bo', name: 'Not Bo', color: '#ff0000' } })
			);
		}
		const message = createEncoder();
		writeVarUint(message, 1);
		writeVarUint8Array(message, toUint8Array(entries));
		socket.ws.send(toUint8Array(message));

		const states = () =>
			nia.provider.awareness.getStates() as Map<
				number,
				{ user?: { accountId: string; name: string } }
			>;
		await eventually(() => states().has(ownClientId), 'Ada’s presence');
		expect(states().get(ownClientId)!.user).toMatchObject({
			accountId: 'ada',
			name: 'Name of ada'
		});
		expect(states().has(bo.doc.clientID)).toBe(false);
	});
});

describe('connecting', () => {
	it('refuses an upgrade from another origin', async () => {
		const socket = rawSocket(server, 'ada', 'project/p1', 'https://evil.example');
		expect(await socket.closed).toEqual({ code: 403, reason: 'http' });
	});

	it('closes an unauthenticated connection with 4401', async () => {
		expect((await rawSocket(server, null, 'project/p1').closed).code).toBe(
			CLOSE.unauthenticated.code
		);
	});

	it('closes a connection to an unknown document with 4404', async () => {
		expect((await rawSocket(server, 'ada', 'project/nope').closed).code).toBe(
			CLOSE.unknownDocument.code
		);
		expect((await rawSocket(server, 'ada', 'nonsense').closed).code).toBe(
			CLOSE.unknownDocument.code
		);
		expect((await rawSocket(server, 'ada', 'view/p1/no-such-view').closed).code).toBe(
			CLOSE.unknownDocument.code
		);
	});

	it('closes a connection to a document the account may not read with 4403', async () => {
		createAccount(server.app.authDb, {
			id: 'stranger',
			email: 'stranger@example.org',
			name: 'Stranger'
		});
		expect((await rawSocket(server, 'stranger', 'project/p1').closed).code).toBe(
			CLOSE.forbidden.code
		);
		expect((await rawSocket(server, 'ada', 'user/bo').closed).code).toBe(CLOSE.forbidden.code);
		expect((await rawSocket(server, 'ada', 'private/p1/global/ned').closed).code).toBe(
			CLOSE.forbidden.code
		);
	});
});

describe('a client that vanishes without closing', () => {
	it('is dropped after it stops answering pings, and leaves the document', async () => {
		const quick = await startSyncServer({ syncLimits: { heartbeatMs: 100 } });
		setUpProject(quick, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
		try {
			const socket = rawSocket(quick, 'ada', 'project/p1');
			await socket.opened;
			await eventually(
				() => quick.app.registry.get('project/p1')!.peers.size === 1,
				'the connection'
			);
			// As if the machine went away: pings go unanswered.
			(socket.ws as unknown as { pong: () => void }).pong = () => undefined;
			await eventually(
				() => quick.app.registry.get('project/p1')!.peers.size === 0,
				'the dead connection to be dropped'
			);
			expect((await socket.closed).code).toBe(1006);
		} finally {
			await quick.close();
		}
	});
});
