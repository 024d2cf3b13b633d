/**
 * One accepted message, one commit: the update in the document's log and everything it causes
 * (its audit rows, the indexes, the user documents it changes) are stored together or not at all,
 * and nobody hears of the change before that commit is durable. A commit that fails leaves no
 * trace: no log entry, no audit row, no broadcast, and the document reloads as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import { SyncClient, setUpProject, startSyncServer } from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

function board(id: string, author: string) {
	const now = Date.now();
	return {
		id,
		createdBy: author,
		createdAt: now,
		updatedBy: author,
		updatedAt: now,
		name: id,
		description: '',
		reports: []
	};
}

/**
 * Makes every commit that holds an audit row for `key` fail at COMMIT: a deferred foreign key,
 * checked only when the transaction ends, as a full disk or a lost lock would fail it.
 */
function failCommitsAuditing(key: string): void {
	server.app.db.exec(`
		CREATE TABLE commit_guard (board TEXT REFERENCES nowhere_table(id) DEFERRABLE INITIALLY DEFERRED);
		CREATE TABLE nowhere_table (id TEXT PRIMARY KEY);
		CREATE TRIGGER fail_commit AFTER INSERT ON audit_log WHEN NEW.entry_key = '${key}'
		BEGIN INSERT INTO commit_guard VALUES (NEW.entry_key); END;`);
}

function logRows(document: string): number {
	return server.app.db
		.prepare('SELECT count(*) FROM doc_updates WHERE doc = ?')
		.pluck()
		.get(document) as number;
}

function auditRows(key: string): number {
	return server.app.db
		.prepare('SELECT count(*) FROM audit_log WHERE entry_key = ?')
		.pluck()
		.get(key) as number;
}

beforeEach(async () => {
	server = await startSyncServer();
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ana', role: 'analyst', zone: 'nz' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('an accepted change and what it causes', () => {
	it('are stored in one commit: a change whose audit row cannot be committed is not kept nor sent', async () => {
		const writer = connect('ada', 'view/p1/global');
		const observer = connect('ana', 'view/p1/global');
		await Promise.all([writer.synced(), observer.synced()]);
		const before = logRows('view/p1/global');
		failCommitsAuditing('lost');

		writer.map('boards').set('lost', board('lost', 'ada'));
		await eventually(() => writer.closes.length > 0, 'the writer to be told to reset');

		expect(logRows('view/p1/global')).toBe(before);
		expect(auditRows('lost')).toBe(0);
		// The document reloaded from its log: a new connection does not see the lost board.
		const late = connect('ana', 'view/p1/global');
		await late.synced();
		expect(late.map('boards').has('lost')).toBe(false);
		expect(observer.map('boards').has('lost')).toBe(false);

		// Changes after it go through as before.
		const again = connect('ada', 'view/p1/global');
		await again.synced();
		again.map('boards').set('kept', board('kept', 'ada'));
		await eventually(() => late.map('boards').has('kept'), 'the next change to arrive');
		expect(auditRows('kept')).toBe(1);
		expect(logRows('view/p1/global')).toBe(before + 1);
	});
});
