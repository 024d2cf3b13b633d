/**
 * The validating step as a transaction, seen from real clients: a change that lost to a
 * concurrent write is still decided (no silent loss), a failure between applying an update and
 * publishing it leaves nothing behind, a failing extension harms nobody else, and entries an
 * earlier version stored in a form the schema no longer writes are repaired when they load.
 */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE, type Member } from '../../src/lib/shared';
import type { LiveDocument } from '../../server/sync/live-document';
import type { TestServer } from '../support/server';
import {
	SyncClient,
	queuedInvite,
	rawSocket,
	serverValue,
	setUpProject,
	startSyncServer,
	stateOf
} from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, clientId?: number): SyncClient {
	const doc = new Y.Doc();
	if (clientId !== undefined) doc.clientID = clientId;
	const client = new SyncClient(server, accountId, 'project/p1', doc);
	clients.push(client);
	return client;
}

function liveProject(): LiveDocument {
	return server.app.registry.get('project/p1')!;
}

function auditRows(key: string): Array<{ author_id: string | null; outcome: string }> {
	return server.app.db
		.prepare(
			"SELECT author_id, outcome FROM audit_log WHERE root = 'members' AND entry_key = ? ORDER BY id"
		)
		.all(key) as Array<{ author_id: string | null; outcome: string }>;
}

beforeEach(async () => {
	server = await startSyncServer();
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

describe('a change that loses to a concurrent write while it integrates', () => {
	// Yjs orders concurrent writes to one key by client ID; both orders are tried.
	for (const [adaId, nedId] of [
		[1_000, 2_000_000_000],
		[2_000_000_000, 1_000]
	] as const) {
		it(`is still applied when it lost to the revert of a refused write (client IDs ${adaId} and ${nedId})`, async () => {
			const ada = connect('ada', adaId);
			const ned = connect('ned', nedId);
			await Promise.all([ada.synced(), ned.synced()]);

			ada.provider.disconnect();
			ada.setMember('nia', { role: 'consumer' });
			ned.setMember('nia', { role: 'admin' });
			await eventually(() => ned.verdicts.length === 1, 'the verdict on Ned’s write');
			await eventually(() => ned.member('nia')?.role === 'analyst', 'the revert at Ned’s');
			ada.provider.connect();

			await eventually(
				() => (serverValue(server, 'project/p1', 'members', 'nia') as Member).role === 'consumer',
				'Ada’s change on the server'
			);
			for (const client of [ada, ned])
				await eventually(
					() => client.member('nia')?.role === 'consumer',
					`${client.accountId}’s copy`
				);
			expect(ada.verdicts).toEqual([]);
			expect(stateOf(ada.doc)).toEqual(stateOf(liveProject().doc));
			expect(auditRows('nia')).toEqual(
				expect.arrayContaining([
					{ author_id: 'ned', outcome: 'refused' },
					{ author_id: 'ada', outcome: 'accepted' }
				])
			);
		});
	}

	it('removes nothing for a client that only forwards the deletions it knows of', async () => {
		const ada = connect('ada');
		const ned = connect('ned');
		await Promise.all([ada.synced(), ned.synced()]);
		// Ned's refused removal leaves Nia's old item deleted, her entry restored by a newer one.
		ned.map('members').delete('nia');
		await eventually(() => ned.verdicts.length === 1, 'the refusal');
		await eventually(() => ada.member('nia') !== undefined && ada.provider.synced, 'the revert');

		// On reconnecting, Ada's sync step 2 carries the whole delete set, Nia's old item included.
		ada.provider.disconnect();
		ada.setMember('ned', { role: 'analyst' });
		ada.provider.connect();
		await eventually(
			() => (serverValue(server, 'project/p1', 'members', 'ned') as Member).role === 'analyst',
			'Ada’s change'
		);
		expect(serverValue(server, 'project/p1', 'members', 'nia')).toMatchObject({ role: 'analyst' });
		expect(auditRows('nia').filter((row) => row.author_id === 'ada')).toEqual([]);
	});
});

describe('a refused entry under a key the document never held', () => {
	it('leaves no key, value or client ID anywhere, and the same key may be written once allowed', async () => {
		const ada = connect('ada');
		const ned = connect('ned');
		await Promise.all([ada.synced(), ned.synced()]);
		const key = 'refused-invite-key-0001';
		const seen: string[] = [];
		ada.provider.ws?.addEventListener('message', (event: MessageEvent) =>
			seen.push(Buffer.from(event.data as ArrayBuffer).toString('latin1'))
		);

		ned.map('invites').set(key, queuedInvite(key, 'ned'));
		await eventually(() => ned.verdicts.length === 1, 'the refusal');
		await eventually(() => ned.map('invites').get(key) === undefined, 'Ned’s copy dropping it');

		expect(ned.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ root: 'invites', key, code: 'admin-only' })
		]);
		const stored = server.app.db
			.prepare("SELECT data FROM doc_updates WHERE doc = 'project/p1'")
			.all() as Array<{ data: Buffer }>;
		expect(stored.some(({ data }) => data.toString('latin1').includes(key))).toBe(false);
		expect(seen.some((message) => message.includes(key))).toBe(false);
		const stateVector = Y.decodeStateVector(Y.encodeStateVector(liveProject().doc));
		expect(stateVector.has(ned.doc.clientID)).toBe(false);

		ada.setMember('ned', { role: 'admin' });
		await eventually(() => ned.member('ned')?.role === 'admin', 'Ned promoted');
		ned.map('invites').set(key, queuedInvite(key, 'ned'));
		await eventually(
			() => serverValue(server, 'project/p1', 'invites', key) !== undefined,
			'the invitation, now allowed'
		);
		await eventually(() => ada.map('invites').get(key) !== undefined, 'the invitation at Ada’s');
		expect(ned.verdicts).toHaveLength(1);
		expect(ned.closes).toEqual([]);
		// Ada's socket was listened to all along: the allowed write, with its key, did reach her.
		expect(seen.some((message) => message.includes(key))).toBe(true);
	});
});

describe('a failure inside the validating step', () => {
	it('refuses the whole batch, with a reason, when judging it throws', async () => {
		const ada = connect('ada');
		await ada.synced();
		const index = liveProject().index!;
		index.before = () => {
			throw new Error('a judge that fails');
		};

		ada.setMember('nia', { role: 'consumer' });
		await eventually(() => ada.verdicts.length === 1, 'the verdict');

		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ root: 'members', key: 'nia', code: 'not-checked' })
		]);
		await eventually(() => ada.member('nia')?.role === 'analyst', 'the revert');
		expect(serverValue(server, 'project/p1', 'members', 'nia')).toMatchObject({ role: 'analyst' });
		expect(ada.closes).toEqual([]);
	});

	it('leaves nothing of the update, in memory, in storage or at anyone else’s, when it fails after applying', async () => {
		const ada = connect('ada');
		const bo = connect('bo');
		await Promise.all([ada.synced(), bo.synced()]);
		const broken = liveProject();
		broken.index!.advance = () => {
			throw new Error('an index that fails');
		};

		ada.setMember('nia', { role: 'consumer' });
		await eventually(
			() => ada.closes.some((close) => close.code === CLOSE.resetRequired.code),
			'the author’s reset'
		);
		await eventually(
			() => bo.closes.some((close) => close.code === CLOSE.serverRestart.code),
			'the others’ reconnect'
		);

		expect(ada.verdicts.at(-1)!.rejected[0]).toMatchObject({ code: 'not-checked' });
		expect(broken.broken).toBe(true);
		// Reloaded from its log: the document as it was before the message.
		expect(serverValue(server, 'project/p1', 'members', 'nia')).toMatchObject({ role: 'analyst' });
		expect(liveProject()).not.toBe(broken);
		await eventually(() => bo.provider.synced && bo.provider.wsconnected, 'Bo back');
		expect(bo.member('nia')?.role).toBe('analyst');
		const stored = server.app.db
			.prepare("SELECT data FROM doc_updates WHERE doc = 'project/p1'")
			.all();
		const fromLog = new Y.Doc();
		for (const { data } of stored as Array<{ data: Buffer }>) Y.applyUpdate(fromLog, data);
		expect((fromLog.getMap('members').get('nia') as Member).role).toBe('analyst');
		expect(auditRows('nia').filter((row) => row.author_id === 'ada')).toEqual([]);
	});

	it('isolates a failing extension: the change stands, later extensions run, the writer stays connected', async () => {
		const ada = connect('ada');
		await ada.synced();
		const heard: string[] = [];
		server.app.registry.use(
			{
				name: 'test: failing',
				onAccepted: () => {
					throw new Error('an extension that fails');
				}
			},
			{ name: 'test: after it', onAccepted: (_document, author) => void heard.push(String(author)) }
		);

		ada.setMember('nia', { role: 'consumer' });
		await eventually(() => heard.includes('ada'), 'the later extension');

		expect(serverValue(server, 'project/p1', 'members', 'nia')).toMatchObject({ role: 'consumer' });
		expect(auditRows('nia').at(-1)).toEqual({ author_id: 'ada', outcome: 'accepted' });
		expect(ada.closes).toEqual([]);
		expect(ada.provider.wsconnected).toBe(true);
	});
});

describe('a document whose stored log does not load', () => {
	it('closes that connection with 1011 and keeps serving every other document', async () => {
		server.app.db
			.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)')
			.run('view/p1/global', Buffer.from([255, 255, 255, 255, 1, 2, 3]));
		const view = rawSocket(server, 'ada', 'view/p1/global');
		expect((await view.closed).code).toBe(CLOSE.internalError.code);

		const ada = connect('ada');
		await ada.synced();
		expect(ada.member('nia')?.role).toBe('analyst');
		const health = await fetch(`${server.url}/api/health`);
		expect(health.status).toBe(200);
	});
});

describe('entries an earlier version stored', () => {
	it('are rewritten in canonical form (or removed when unreadable) when the document loads, and audited', async () => {
		const dataDir = server.dataDir;
		server.app.registry.change('project/p1', (roots) => {
			const members = roots.members;
			// Written as an earlier version did, past what the schema's types allow.
			const legacyNed = { ...members.get('ned'), role: 'messenger', nickname: 'N' };
			members.set('ned', legacyNed as unknown as Member);
			members.set('ghost', { accountId: 'ghost', role: 42 } as unknown as Member);
		});
		await server.app.close();
		const restarted = await startSyncServer({}, dataDir);
		try {
			const value = (key: string) =>
				restarted.app.registry.read('project/p1', (document) => document.root('members').get(key));
			expect(value('ned')).toMatchObject({ role: 'consumer' });
			expect(value('ned')).not.toHaveProperty('nickname');
			expect(value('ghost')).toBeUndefined();
			const repairs = restarted.app.db
				.prepare(
					"SELECT entry_key, author_id FROM audit_log WHERE root = 'members' AND entry_key IN ('ned', 'ghost') AND author_id IS NULL ORDER BY id DESC LIMIT 2"
				)
				.all();
			expect(repairs).toEqual(
				expect.arrayContaining([
					{ entry_key: 'ned', author_id: null },
					{ entry_key: 'ghost', author_id: null }
				])
			);
			const ned = restarted.app.db
				.prepare("SELECT role FROM memberships WHERE project_id = 'p1' AND account_id = 'ned'")
				.get();
			expect(ned).toEqual({ role: 'consumer' });
		} finally {
			await restarted.close();
			server = await startSyncServer();
		}
	});
});
