/**
 * Loading a document, seen from real clients: a large document loads a slice at a time while the
 * server keeps serving every other connection; what a client sends while its document loads is
 * judged after the load, in the order sent; a server-side change finishes a load at once. And the
 * snapshots the server compacts: vouched for when every entry was validated, loaded without
 * reading those entries again, while a snapshot changed behind the server's back, one written
 * under other schemas, or an update appended after one, is read and repaired entry by entry.
 */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE, type Member } from '../../src/lib/shared';
import { encodeSnapshot } from '../../server/sync/snapshot';
import { captureLog, type CapturedLog } from '../support/log';
import { LARGE, setUpLargeProject, unloaded as unloadedFrom } from '../support/large-project';
import type { TestServer } from '../support/server';
import {
	SyncClient,
	rawSocket,
	serverValue,
	setUpProject,
	startSyncServer,
	syncMessage
} from '../support/sync';
import { eventually } from '../support/eventually';

const MEMBERS = 1000;

let server: TestServer;
let logged: CapturedLog;
const clients: SyncClient[] = [];

function connect(accountId: string, document: string): SyncClient {
	const client = new SyncClient(server, accountId, document);
	clients.push(client);
	return client;
}

function unloaded(document: string): Promise<void> {
	return unloadedFrom(server, document);
}

interface StoredRow {
	data: Uint8Array;
	mark: string | null;
}

function storedRows(document: string): StoredRow[] {
	return (
		server.app.db
			.prepare('SELECT data, trust_mark AS mark FROM doc_updates WHERE doc = ? ORDER BY id')
			.all(document) as Array<{ data: Buffer; mark: string | null }>
	).map(({ data, mark }) => ({ data: new Uint8Array(data), mark }));
}

/** The document as its stored log has it, for writing behind the server's back. */
function storedCopy(document: string): Y.Doc {
	const copy = new Y.Doc();
	for (const { data } of storedRows(document)) Y.applyUpdate(copy, data);
	copy.clientID = 7_777_777;
	return copy;
}

function replaceLog(document: string, rows: StoredRow[]): void {
	const { db } = server.app;
	db.prepare('DELETE FROM doc_updates WHERE doc = ?').run(document);
	const insert = db.prepare('INSERT INTO doc_updates (doc, data, trust_mark) VALUES (?, ?, ?)');
	for (const { data, mark } of rows) insert.run(document, data, mark);
}

/** Entries as an earlier version, or someone editing the database, might have written them. */
function writeUnreadableEntries(copy: Y.Doc): void {
	const members = copy.getMap<unknown>('members');
	members.set('ned', { ...(members.get('ned') as Member), role: 'messenger', nickname: 'N' });
	members.set('ghost', { accountId: 'ghost', role: 42 });
}

function serverAuthoredAudit(key: string): number {
	return server.app.db
		.prepare(
			"SELECT count(*) FROM audit_log WHERE root = 'members' AND entry_key = ? AND author_id IS NULL"
		)
		.pluck()
		.get(key) as number;
}

beforeEach(async () => {
	logged = captureLog('json', 'warn');
	server = await startSyncServer({
		documents: { unloadAfterMs: 0, loadSliceBytes: 1024 },
		log: logged.log
	});
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('a document that loads', () => {
	beforeEach(() => setUpLargeProject(server, MEMBERS));

	it('lets the server serve other connections meanwhile: their changes go round first', async () => {
		const writer = connect('ada', 'project/p1');
		const watcher = connect('bo', 'project/p1');
		await Promise.all([writer.synced(), watcher.synced()]);
		const events: string[] = [];
		watcher.map('members').observe(() => events.push('a change on another document delivered'));

		const large = connect('ada', LARGE);
		large.provider.on('sync', (synced: boolean) => {
			if (synced) events.push('the large document synced');
		});
		large.provider.on('status', ({ status }: { status: string }) => {
			if (status !== 'connected') return;
			events.push(
				server.app.registry.get(LARGE) ? 'opened, loaded already' : 'opened, still loading'
			);
			writer.setMember('ned', { role: 'analyst' });
		});

		await eventually(() => events.length === 3, 'all three');
		expect(events).toEqual([
			'opened, still loading',
			'a change on another document delivered',
			'the large document synced'
		]);
		expect(large.map('members').size).toBe(MEMBERS + 1);
	});

	it('judges what a client sent while it loaded once it has loaded, in the order sent', async () => {
		const copy = storedCopy(LARGE);
		const changes: Uint8Array[] = [];
		copy.on('update', (update: Uint8Array) => changes.push(update));
		const members = copy.getMap<Member>('members');
		const stamp = (role: Member['role'], at: number) => ({ updatedBy: 'ada', updatedAt: at, role });
		members.set('m5', { ...members.get('m5')!, ...stamp('analyst', 1_800_000_000_000) });
		members.set('m5', { ...members.get('m5')!, ...stamp('consumer', 1_800_000_000_001) });
		members.set('m6', { ...members.get('m6')!, ...stamp('analyst', 1_800_000_000_002) });

		const socket = rawSocket(server, 'ada', LARGE);
		const sentWhileLoading = new Promise<boolean>((resolve) =>
			socket.ws.on('open', () => {
				socket.ws.send(syncMessage(Y.encodeStateVector(copy), 0));
				for (const change of changes) socket.ws.send(syncMessage(change));
				resolve(server.app.registry.get(LARGE) === undefined);
			})
		);
		expect(await sentWhileLoading).toBe(true);

		await eventually(
			() => (serverValue(server, LARGE, 'members', 'm6') as Member).role === 'analyst',
			'the last change'
		);
		expect(serverValue(server, LARGE, 'members', 'm5')).toMatchObject({ role: 'consumer' });
		const judged = server.app.db
			.prepare(
				"SELECT entry_key, outcome, after_json FROM audit_log WHERE document = ? AND author_id = 'ada' AND entry_key IN ('m5', 'm6') ORDER BY id"
			)
			.all(LARGE) as Array<{ entry_key: string; outcome: string; after_json: string }>;
		expect(
			judged.map((row) => [row.entry_key, row.outcome, JSON.parse(row.after_json).role])
		).toEqual([
			['m5', 'accepted', 'analyst'],
			['m5', 'accepted', 'consumer'],
			['m6', 'accepted', 'analyst']
		]);
		socket.ws.close();
	});

	it('is finished at once when the server needs it, and its connections get what the server changed', async () => {
		const reader = connect('ada', LARGE);
		const loadedWhenNeeded = new Promise<boolean>((resolve) =>
			reader.provider.on('status', ({ status }: { status: string }) => {
				if (status !== 'connected') return;
				const loading = server.app.registry.get(LARGE) === undefined;
				server.app.registry.change(LARGE, (roots) =>
					roots.members.set('m7', { ...roots.members.get('m7')!, role: 'analyst' })
				);
				resolve(loading && server.app.registry.get(LARGE) !== undefined);
			})
		);
		expect(await loadedWhenNeeded).toBe(true);

		await reader.synced();
		await eventually(() => reader.member('m7')?.role === 'analyst', 'the change to arrive');
		expect(reader.map('members').size).toBe(MEMBERS + 1);
	});

	it('refuses a client that floods it with messages before it has loaded', async () => {
		const socket = rawSocket(server, 'ada', LARGE);
		await socket.opened;
		for (let message = 0; message < 250; message++) socket.ws.send(new Uint8Array([3]));
		expect((await socket.closed).code).toBe(CLOSE.rateLimited.code);
	});
});

describe('a snapshot the server compacted', () => {
	it('is vouched for when every entry was validated, and loads again without repairs', async () => {
		await unloaded('project/p1');
		const rows = storedRows('project/p1');
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((row) => row.mark !== null)).toBe(true);

		const member = (key: string) => serverValue(server, 'project/p1', 'members', key);
		expect(member('ned')).toMatchObject({ role: 'consumer' });
		expect(logged.text()).not.toContain('repairing an entry');
	});

	it.each([
		['changed behind the server’s back, its marks kept', 'does not match its mark', null],
		['written under other schemas (an earlier version’s)', 'written under other schemas', 'old']
	])(
		'is read entry by entry and repaired when %s',
		async (_case, problem, schemas: string | null) => {
			await unloaded('project/p1');
			const audited = serverAuthoredAudit('ned');
			const marks = storedRows('project/p1').map((row) => row.mark!);
			const copy = storedCopy('project/p1');
			writeUnreadableEntries(copy);
			replaceLog(
				'project/p1',
				encodeSnapshot(copy).map((data, index) => ({
					data,
					mark: schemas === null ? marks[index % marks.length]! : `${schemas}:${marks[0]}`
				}))
			);

			const member = (key: string) => serverValue(server, 'project/p1', 'members', key);
			expect(member('ned')).toMatchObject({ role: 'consumer' });
			expect(member('ned')).not.toHaveProperty('nickname');
			expect(member('ghost')).toBeUndefined();
			expect(serverAuthoredAudit('ned')).toBe(audited + 1);
			expect(serverAuthoredAudit('ghost')).toBe(1);
			expect(logged.entries()).toContainEqual(
				expect.objectContaining({ problem, msg: 'a snapshot is read entry by entry' })
			);

			// Compacted again, the repaired state is vouched for.
			await unloaded('project/p1');
			expect(storedRows('project/p1').every((row) => row.mark !== null)).toBe(true);
			expect(member('ned')).toMatchObject({ role: 'consumer' });
			expect(serverAuthoredAudit('ned')).toBe(audited + 1);
		}
	);

	it('is read entry by entry when its chunks, marks and all, were copied from another document', async () => {
		await setUpLargeProject(server, 10);
		await unloaded('project/p1');
		replaceLog(LARGE, storedRows('project/p1'));

		expect(serverValue(server, LARGE, 'members', 'ned')).toMatchObject({ role: 'consumer' });
		expect(serverValue(server, LARGE, 'members', 'm1')).toBeUndefined();
		expect(logged.entries()).toContainEqual(
			expect.objectContaining({
				problem: 'does not match its mark',
				msg: 'a snapshot is read entry by entry'
			})
		);
		const indexed = server.app.db
			.prepare("SELECT account_id FROM memberships WHERE project_id = 'large' ORDER BY 1")
			.pluck()
			.all();
		expect(indexed).toEqual(['ada', 'bo', 'ned']);
	});

	it('is read entry by entry when two of its chunks, left as they were, carry each other’s marks', async () => {
		await setUpLargeProject(server, MEMBERS);
		const rows = storedRows(LARGE);
		expect(rows.length).toBeGreaterThan(1);
		replaceLog(LARGE, [
			{ data: rows[0]!.data, mark: rows[1]!.mark },
			{ data: rows[1]!.data, mark: rows[0]!.mark },
			...rows.slice(2)
		]);

		expect(server.app.registry.read(LARGE, (document) => document.root('members').size)).toBe(
			MEMBERS + 1
		);
		expect(logged.entries()).toContainEqual(
			expect.objectContaining({
				problem: 'does not match its mark',
				msg: 'a snapshot is read entry by entry'
			})
		);
		await unloaded(LARGE);
		expect(storedRows(LARGE).every((row) => row.mark !== null)).toBe(true);
	});

	it('has the entries of an update appended after it read and repaired', async () => {
		await unloaded('project/p1');
		const audited = serverAuthoredAudit('ned');
		const rows = storedRows('project/p1');
		const copy = storedCopy('project/p1');
		const before = Y.encodeStateVector(copy);
		writeUnreadableEntries(copy);
		replaceLog('project/p1', [...rows, { data: Y.encodeStateAsUpdate(copy, before), mark: null }]);

		const member = (key: string) => serverValue(server, 'project/p1', 'members', key);
		expect(member('ned')).toMatchObject({ role: 'consumer' });
		expect(member('ghost')).toBeUndefined();
		expect(member('ada')).toMatchObject({ role: 'admin' });
		expect(serverAuthoredAudit('ned')).toBe(audited + 1);
		expect(serverAuthoredAudit('ghost')).toBe(1);
	});
});
