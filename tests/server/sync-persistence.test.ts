/**
 * The document store as SQLite holds it: the update log shrinks when it is compacted, a compacted
 * document reloads as it was, the updates appended while a compaction was written stay after its
 * snapshot, and a refused value never reaches a stored update.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openConsoleDatabase } from '../../server/schema';
import { sqliteDocumentStore } from '../../server/sync/persistence';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject, startSyncServer, stateOf } from '../support/sync';
import { eventually } from '../support/eventually';

const DOCUMENT = 'view/p1/global';
let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string): SyncClient {
	const client = new SyncClient(server, accountId, DOCUMENT);
	clients.push(client);
	return client;
}

function board(author: string, id: string, name: string) {
	const now = Date.now();
	return {
		id,
		createdBy: author,
		createdAt: now,
		updatedBy: author,
		updatedAt: now,
		name,
		description: '',
		reports: []
	};
}

/** The stored update log of the document, row by row. */
function storedLog(): Uint8Array[] {
	return (
		server.app.db
			.prepare('SELECT data FROM doc_updates WHERE doc = ? ORDER BY id')
			.pluck()
			.all(DOCUMENT) as Buffer[]
	).map((row) => new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
}

/** Every value the stored updates carry, as Yjs decodes them. */
function storedValues(): string[] {
	return storedLog().flatMap((update) =>
		Y.decodeUpdate(update).structs.flatMap((struct) =>
			struct instanceof Y.Item ? [JSON.stringify(struct.content.getContent())] : []
		)
	);
}

/** Drops every connection and waits until the registry has unloaded (and compacted) the document. */
async function unload(): Promise<void> {
	for (const client of clients.splice(0)) client.destroy();
	await eventually(() => server.app.registry.get(DOCUMENT) === undefined, 'the document to unload');
}

beforeEach(async () => {
	server = await startSyncServer({ documents: { unloadAfterMs: 20 } });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('compaction', () => {
	it('replaces a long update log with one smaller update, from which the document reloads unchanged', async () => {
		const ada = connect('ada');
		await ada.synced();
		const b1 = board('ada', 'b1', 'Circulation');
		ada.map('boards').set('b1', b1);
		for (let edit = 1; edit <= 40; edit += 1) {
			ada
				.map('boards')
				.set('b1', { ...b1, name: `Circulation, edit ${edit}`, updatedAt: Date.now() });
			await new Promise((resolve) => setImmediate(resolve));
		}
		ada.map('boards').set('b2', board('ada', 'b2', 'Renewals'));
		await eventually(
			() => serverValue(server, DOCUMENT, 'boards', 'b2') !== undefined,
			'the last change'
		);
		const before = storedLog();
		const expected = stateOf(ada.doc);
		expect(before.length).toBeGreaterThan(40);
		expect(ada.verdicts).toEqual([]);

		await unload();

		const after = storedLog();
		expect(after).toHaveLength(1);
		expect(after[0]!.byteLength).toBeLessThan(
			before.reduce((sum, update) => sum + update.byteLength, 0)
		);
		const reader = connect('ned');
		await reader.synced();
		expect(stateOf(reader.doc)).toBe(expected);
		expect(reader.map<{ name: string }>('boards').get('b1')?.name).toBe('Circulation, edit 40');
	});
});

describe('the SQLite store', () => {
	it('keeps the updates appended while a snapshot was written after it, and reads a slice at a time', () => {
		const db = openConsoleDatabase(':memory:');
		const store = sqliteDocumentStore(db);
		const bytes = (...values: number[]) => new Uint8Array(values);
		store.append(DOCUMENT, bytes(1));
		store.append(DOCUMENT, bytes(2));
		const through = store.lastUpdate(DOCUMENT);
		store.append(DOCUMENT, bytes(3));
		store.compact(
			DOCUMENT,
			[
				{ data: bytes(10, 10), mark: 'm1' },
				{ data: bytes(11, 11), mark: 'm2' }
			],
			through
		);
		store.append(DOCUMENT, bytes(4));

		const all = store.read(DOCUMENT, 0, Number.POSITIVE_INFINITY);
		expect(all.map(({ data, mark }) => [[...data], mark])).toEqual([
			[[10, 10], 'm1'],
			[[11, 11], 'm2'],
			[[3], null],
			[[4], null]
		]);
		const first = store.read(DOCUMENT, 0, 3);
		expect(first.map(({ data }) => [...data])).toEqual([
			[10, 10],
			[11, 11]
		]);
		const rest = store.read(DOCUMENT, first.at(-1)!.id, 1);
		expect(rest.map(({ data }) => [...data])).toEqual([[3]]);
		expect(store.read(DOCUMENT, all.at(-1)!.id, 1)).toEqual([]);
		db.close();
	});
});

describe('a refused change', () => {
	it('never reaches a stored update, before or after compaction', async () => {
		const ada = connect('ada');
		const ned = connect('ned');
		await Promise.all([ada.synced(), ned.synced()]);
		ada.map('boards').set('b1', board('ada', 'b1', 'Circulation'));
		await eventually(() => ned.map('boards').has('b1'), 'the board to reach Ned');

		const b1 = ned.map<Record<string, unknown>>('boards').get('b1')!;
		ned
			.map('boards')
			.set('b1', { ...b1, name: 'Hijacked by Ned', updatedBy: 'ned', updatedAt: Date.now() });
		await eventually(() => ned.verdicts.length === 1, 'the verdict');
		expect(ned.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ key: 'b1', code: 'creator-or-admin' })
		]);
		await eventually(
			() => ned.map<{ name: string }>('boards').get('b1')?.name === 'Circulation',
			'the revert'
		);

		for (const phase of ['log', 'compacted']) {
			if (phase === 'compacted') await unload();
			const values = storedValues();
			expect(
				values.some((value) => value.includes('Circulation')),
				phase
			).toBe(true);
			expect(
				values.filter((value) => value.includes('Hijacked')),
				phase
			).toEqual([]);
			const bytes = storedLog().map((update) => Buffer.from(update).toString('latin1'));
			expect(
				bytes.filter((update) => update.includes('Hijacked')),
				phase
			).toEqual([]);
		}
	});
});
