/**
 * Unlucky and hostile timing around a document that loads a slice at a time, or is compacted a
 * chunk at a time, against a real server: clients that leave, arrive together, lose their session
 * or their membership, or flood the server while the document loads; server changes that finish a
 * load at once; clients, server changes and compactions interleaved at random while the document
 * is unloaded and loaded again. Whatever the timing, nobody is sent a document they may no longer
 * read, nothing is held for good, and every change anyone was told of is there after a reload.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE, type Member, type Role } from '../../src/lib/shared';
import { invalidateAccountSessions } from '../../server/auth/sessions';
import { captureLog, type CapturedLog } from '../support/log';
import { LARGE, setUpLargeProject, unloaded } from '../support/large-project';
import type { TestServer } from '../support/server';
import { SyncClient, rawSocket, startSyncServer, stateOf, type RawSocket } from '../support/sync';
import { eventually } from '../support/eventually';

const MEMBERS = 1000;
const MAX_MESSAGE_BYTES = 16 * 1024;

let server: TestServer;
let logged: CapturedLog;
const clients: SyncClient[] = [];

function connect(accountId: string): SyncClient {
	const client = new SyncClient(server, accountId, LARGE);
	clients.push(client);
	return client;
}

/** A bare socket to the large document, and whether it was still loading once the socket opened. */
function openWhileLoading(
	accountId: string,
	meanwhile: (socket: RawSocket) => void = () => undefined
): { socket: RawSocket; wasLoading: Promise<boolean> } {
	const socket = rawSocket(server, accountId, LARGE);
	const wasLoading = new Promise<boolean>((resolve) =>
		socket.ws.on('open', () => {
			const loading = server.app.registry.get(LARGE) === undefined;
			meanwhile(socket);
			resolve(loading);
		})
	);
	return { socket, wasLoading };
}

/** The messages of a y-websocket type (0 sync, 1 awareness) the socket received. */
function receivedOfType(socket: RawSocket, type: number): Uint8Array[] {
	return socket.received.filter((message) => message[0] === type);
}

function loggedErrors(): unknown[] {
	return logged.entries().filter((entry) => entry.level === 'error' || entry.level === 'fatal');
}

beforeEach(async () => {
	logged = captureLog('json', 'warn');
	server = await startSyncServer({
		documents: { unloadAfterMs: 0, loadSliceBytes: 1024 },
		syncLimits: { maxMessageBytes: MAX_MESSAGE_BYTES },
		log: logged.log
	});
	await setUpLargeProject(server, MEMBERS, [
		{ accountId: 'bo', role: 'admin' },
		{ accountId: 'ned', role: 'consumer' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('a document that loads', () => {
	it('is held by nobody a client left while it loaded: it leaves memory once loaded', async () => {
		const { socket, wasLoading } = openWhileLoading('ada', ({ ws }) => ws.close());
		expect(await wasLoading).toBe(true);
		await socket.closed;

		const { registry } = server.app;
		const opened = await registry.open(LARGE);
		registry.release(opened!);
		await unloaded(server, LARGE);
		expect(loggedErrors()).toEqual([]);
	});

	it('is let go quietly when the server shuts down meanwhile (1012, nothing logged as an error)', async () => {
		const { socket, wasLoading } = openWhileLoading('ada');
		expect(await wasLoading).toBe(true);
		await server.close();
		expect((await socket.closed).code).toBe(CLOSE.serverRestart.code);
		expect(loggedErrors()).toEqual([]);
	});

	it('is the same copy, whole, for two clients that open it at once', async () => {
		const [ada, bo] = [connect('ada'), connect('bo')];
		await Promise.all([ada.synced(), bo.synced()]);
		expect(ada.map('members').size).toBe(MEMBERS + 3);
		expect(stateOf(bo.doc)).toBe(stateOf(ada.doc));

		ada.setMember('m3', { role: 'analyst' });
		await eventually(() => bo.member('m3')?.role === 'analyst', 'Ada’s change to reach Bo');
	});

	it('is sent to nobody whose session ended while it loaded (4401)', async () => {
		const { socket, wasLoading } = openWhileLoading('ned', () =>
			invalidateAccountSessions(server.app.authDb.db, 'ned')
		);
		expect(await wasLoading).toBe(true);
		expect((await socket.closed).code).toBe(CLOSE.unauthenticated.code);
		expect(socket.received).toEqual([]);
	});

	it('is sent to nobody a server change removed while it loaded (4403)', async () => {
		const { socket, wasLoading } = openWhileLoading('ned', () =>
			server.app.registry.change(LARGE, (roots) => roots.members.delete('ned'))
		);
		expect(await wasLoading).toBe(true);
		expect((await socket.closed).code).toBe(CLOSE.forbidden.code);
		expect(socket.received).toEqual([]);
	});

	it('is sent to nobody whose access ended while it loaded (4403)', async () => {
		server.app.registry.change(LARGE, (roots) =>
			roots.members.set('ned', { ...roots.members.get('ned')!, endsAt: Date.now() - 1 })
		);
		await unloaded(server, LARGE);
		const { socket, wasLoading } = openWhileLoading('ned', () => server.app.accessEnds.runDue());
		expect(await wasLoading).toBe(true);
		expect((await socket.closed).code).toBe(CLOSE.forbidden.code);
		expect(socket.received).toEqual([]);
	});

	it('answers every message a client sent while it loaded, up to a burst’s worth exactly', async () => {
		const burst = 200;
		const { socket, wasLoading } = openWhileLoading('ada', ({ ws }) => {
			for (let message = 0; message < burst; message++) ws.send(new Uint8Array([3]));
		});
		expect(await wasLoading).toBe(true);
		await eventually(() => receivedOfType(socket, 1).length === burst, 'every answer');
		expect(socket.ws.readyState).toBe(socket.ws.OPEN);
		socket.ws.close();
	});

	it('refuses (4529) a client that sends one message more than a burst while it loads', async () => {
		const { socket, wasLoading } = openWhileLoading('ada', ({ ws }) => {
			for (let message = 0; message <= 200; message++) ws.send(new Uint8Array([3]));
		});
		expect(await wasLoading).toBe(true);
		expect((await socket.closed).code).toBe(CLOSE.rateLimited.code);
	});

	it.each([
		[0, 'answers both'],
		[1, 'refuses (4529)']
	])('holds twice the largest message while it loads: %i byte more %s', async (over, _outcome) => {
		const query = (bytes: number) => new Uint8Array(bytes).fill(3, 0, 1);
		const { socket, wasLoading } = openWhileLoading('ada', ({ ws }) => {
			ws.send(query(MAX_MESSAGE_BYTES));
			ws.send(query(MAX_MESSAGE_BYTES - 1));
			if (over > 0) ws.send(query(over + 1));
		});
		expect(await wasLoading).toBe(true);
		if (over === 0) {
			await eventually(() => receivedOfType(socket, 1).length === 2, 'both answers');
			socket.ws.close();
		} else {
			expect((await socket.closed).code).toBe(CLOSE.rateLimited.code);
		}
	});
});

type Step =
	| { kind: 'open'; who: 'ada' | 'bo' }
	| { kind: 'leave' }
	| { kind: 'write' | 'server'; member: number; role: Role }
	| { kind: 'compact' }
	| { kind: 'synced' }
	| { kind: 'turns'; count: number };

const STEP: fc.Arbitrary<Step> = fc.oneof(
	fc.record({
		kind: fc.constant('open' as const),
		who: fc.constantFrom('ada' as const, 'bo' as const)
	}),
	fc.constant({ kind: 'leave' as const }),
	fc.record({
		kind: fc.constantFrom('write' as const, 'server' as const),
		member: fc.nat({ max: 5 }),
		role: fc.constantFrom<Role>('consumer', 'analyst')
	}),
	fc.constant({ kind: 'compact' as const }),
	fc.constant({ kind: 'synced' as const }),
	fc.record({ kind: fc.constant('turns' as const), count: fc.integer({ min: 1, max: 4 }) })
);

function serverMembers(): string {
	return JSON.stringify(
		server.app.registry.read(LARGE, (document) => document.root('members').toJSON())
	);
}

async function run(step: Step, open: SyncClient[]): Promise<void> {
	switch (step.kind) {
		case 'open':
			open.push(connect(step.who));
			return;
		case 'leave':
			open.shift()?.destroy();
			return;
		case 'write':
			open
				.find((client) => client.provider.synced)
				?.setMember(`m${step.member}`, { role: step.role });
			return;
		case 'server':
			server.app.registry.change(LARGE, (roots) =>
				roots.members.set(`m${step.member}`, {
					...(roots.members.get(`m${step.member}`) as Member),
					role: step.role
				})
			);
			return;
		case 'compact':
			void server.app.registry.get(LARGE)?.compactInSlices();
			return;
		case 'synced':
			await open[0]?.synced();
			return;
		case 'turns':
			for (let turn = 0; turn < step.count; turn++)
				await new Promise((resolve) => setImmediate(resolve));
	}
}

describe('a document opened, changed, compacted and left in any order', () => {
	it('loads again as every client last saw it, vouched for and without repairs', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(STEP, { minLength: 1, maxLength: 14 }), async (steps) => {
				const open: SyncClient[] = [];
				for (const step of steps) await run(step, open);
				await Promise.all(open.map((client) => client.synced()));
				// What the clients that left sent before they left is handled before they are gone,
				// also when they left while the document loaded: their connections open once it has.
				await eventually(
					() =>
						server.app.sync.waitingForLoad === 0 &&
						(server.app.registry.get(LARGE)?.peers.size ?? 0) === open.length,
					'the clients that left to be gone'
				);
				const members = await eventually(() => {
					const expected = serverMembers();
					return (
						open.every((client) => JSON.stringify(client.map('members').toJSON()) === expected) &&
						expected
					);
				}, 'every client to have what the server has');

				for (const client of open.splice(0)) client.destroy();
				await unloaded(server, LARGE);
				expect(serverMembers()).toBe(members);
				const marks = server.app.db
					.prepare('SELECT trust_mark FROM doc_updates WHERE doc = ?')
					.pluck()
					.all(LARGE);
				expect(marks.every((mark) => mark !== null)).toBe(true);
				expect(loggedErrors()).toEqual([]);
				expect(logged.text()).not.toContain('repairing an entry');
			}),
			{ numRuns: 10 }
		);
	});
});
