/**
 * The index stamps (server/features/index-stamps.ts): a project document that loads as the very
 * snapshot its SQL indexes were last in step with is not checked against them again; one whose
 * change could not be indexed is checked, and caught up, at its next load; and a
 * document no index follows (an account's own) is never stamped, which would be a write for nothing
 * at every compaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userDocument } from '../../src/lib/shared';
import type { TestServer } from '../support/server';
import { serverValue, setUpProject, startSyncServer } from '../support/sync';
import { eventually } from '../support/eventually';

const PROJECT = 'project/p1';
let server: TestServer;

function indexedRole(accountId: string): unknown {
	return server.app.db
		.prepare("SELECT role FROM memberships WHERE project_id = 'p1' AND account_id = ?")
		.pluck()
		.get(accountId);
}

function setIndexedRole(accountId: string, role: string): void {
	server.app.db
		.prepare("UPDATE memberships SET role = ? WHERE project_id = 'p1' AND account_id = ?")
		.run(role, accountId);
}

function stampedDocuments(): string[] {
	return server.app.db
		.prepare('SELECT doc FROM index_stamps ORDER BY doc')
		.pluck()
		.all() as string[];
}

async function unloaded(document: string): Promise<void> {
	await eventually(() => server.app.registry.get(document) === undefined, `${document} to unload`);
}

function changeRole(accountId: string, role: 'analyst' | 'consumer'): void {
	server.app.registry.change(PROJECT, (roots) =>
		roots.members.set(accountId, { ...roots.members.get(accountId)!, role })
	);
}

beforeEach(async () => {
	server = await startSyncServer({ documents: { unloadAfterMs: 0 } });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
	await unloaded(PROJECT);
});

afterEach(async () => {
	await server.close();
});

describe('a project document whose indexes are stamped in step', () => {
	it('is not checked again when it loads as that snapshot', () => {
		expect(stampedDocuments()).toContain(PROJECT);
		// Behind the server's back: a load that checked would put it right.
		setIndexedRole('ned', 'analyst');
		expect(serverValue(server, PROJECT, 'members', 'ned')).toMatchObject({ role: 'consumer' });
		expect(indexedRole('ned')).toBe('analyst');
	});

	it('is checked, and caught up, at its next load after a change that could not be indexed', async () => {
		server.app.db.exec(
			`CREATE TEMP TRIGGER refuse_membership BEFORE UPDATE ON memberships
			 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`
		);
		changeRole('ned', 'analyst');
		server.app.db.exec('DROP TRIGGER temp.refuse_membership');
		await unloaded(PROJECT);
		expect(indexedRole('ned')).toBe('consumer');

		expect(serverValue(server, PROJECT, 'members', 'ned')).toMatchObject({ role: 'analyst' });
		expect(indexedRole('ned')).toBe('analyst');
	});
});

describe('a document no index follows', () => {
	it('is compacted without a stamp', async () => {
		changeRole('ned', 'analyst');
		await unloaded(userDocument('ned'));
		expect(stampedDocuments().filter((doc) => doc.startsWith('user/'))).toEqual([]);
	});
});
