/**
 * When the database refuses a write (a full disk, an I/O error: here a trigger that raises, on a
 * real server): what the server holds in memory never gets ahead of its stored log. A server
 * change whose update cannot be stored leaves no trace, in memory, with clients or in the indexes;
 * a document whose repair at load cannot be stored is not served, and whatever it held (its
 * project document) stays held as often as it is used.
 */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject, startSyncServer } from '../support/sync';
import { eventually } from '../support/eventually';

const PROJECT = 'project/p1';
const VIEW = 'view/p1/global';
let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, document: string): SyncClient {
	const client = new SyncClient(server, accountId, document);
	clients.push(client);
	return client;
}

/** From now on, the database refuses to store an update of `document`, as a full disk would. */
function refuseUpdatesOf(document: string): () => void {
	const { db } = server.app;
	db.exec(
		`CREATE TEMP TRIGGER refuse_updates BEFORE INSERT ON doc_updates WHEN NEW.doc = '${document}'
		 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`
	);
	return () => db.exec('DROP TRIGGER temp.refuse_updates');
}

/** An update appended behind the server's back, with a board the schema cannot read. */
function appendUnreadableBoard(document: string): void {
	const copy = new Y.Doc();
	copy.getMap('boards').set('b1', { id: 'b1', name: 42 });
	server.app.db
		.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)')
		.run(document, Y.encodeStateAsUpdate(copy));
}

function indexedMember(accountId: string): unknown {
	return server.app.db
		.prepare('SELECT role FROM memberships WHERE project_id = ? AND account_id = ?')
		.pluck()
		.get('p1', accountId);
}

beforeEach(async () => {
	server = await startSyncServer({ documents: { unloadAfterMs: 0 } });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('a server change whose update the database refuses', () => {
	it('fails, and leaves the document, its clients and its indexes as the stored log has them', async () => {
		const ada = connect('ada', PROJECT);
		await ada.synced();
		const allow = refuseUpdatesOf(PROJECT);
		expect(() =>
			server.app.registry.change(PROJECT, (roots) => roots.members.delete('ned'))
		).toThrow(/disk is full/);
		allow();

		expect(serverValue(server, PROJECT, 'members', 'ned')).toMatchObject({ role: 'consumer' });
		const ned = connect('ned', PROJECT);
		await ned.synced();
		ada.setMember('ned', { role: 'analyst' });
		await eventually(() => ned.member('ned')?.role === 'analyst', 'Ada’s change to reach Ned');
		expect(ada.verdicts).toEqual([]);
		expect(ned.closes).toEqual([]);

		// Unloaded (compacted) and loaded again: what the log has, and the indexes agree.
		for (const client of clients.splice(0)) client.destroy();
		await eventually(() => server.app.registry.get(PROJECT) === undefined, 'the unload');
		expect(serverValue(server, PROJECT, 'members', 'ned')).toMatchObject({ role: 'analyst' });
		expect(indexedMember('ned')).toBe('analyst');
	});
});

describe('a document whose repair at load the database refuses', () => {
	it('is not served, and the project document it was judged with stays with its connections', async () => {
		const ada = connect('ada', PROJECT);
		await ada.synced();
		appendUnreadableBoard(VIEW);
		const allow = refuseUpdatesOf(VIEW);
		const ned = connect('ned', VIEW);
		await eventually(() => ned.closes.length > 0, 'Ned’s connection to close');
		expect(ned.closes[0]).toMatchObject({ code: 1011 });
		ned.provider.disconnect();
		allow();

		server.app.registry.change(PROJECT, (roots) =>
			roots.members.set('ned', { ...roots.members.get('ned')!, role: 'analyst' })
		);
		await eventually(() => ada.member('ned')?.role === 'analyst', 'the change to reach Ada');
		expect(ada.closes).toEqual([]);
	});
});
