/**
 * The console's client sync layer (src/lib/sync/document-session.ts) against a real server: the
 * pending-change count, refusals, changes that lose to concurrent ones, and revocation.
 */
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE, type CloseReason, type Member, type Rejection } from '../../src/lib/shared';
import {
	DocumentSession,
	type LocalCopy,
	type LostChange
} from '../../src/lib/sync/document-session';
import type { TestServer } from '../support/server';
import {
	SyncClient,
	sessionCookieFor,
	setUpProject,
	startSyncServer,
	waitFor
} from '../support/sync';

let server: TestServer;
const sessions: DocumentSession[] = [];

/** Stands in for IndexedDB, which Node lacks; the browser tests use the real one. */
class MemoryCopy implements LocalCopy {
	cleared = false;
	readonly whenSynced = Promise.resolve();
	async clearData(): Promise<void> {
		this.cleared = true;
	}
	destroy(): void {}
}

function open(accountId: string, name = 'project/p1', copy: LocalCopy | null = null) {
	const cookie = sessionCookieFor(server, accountId);
	const origin = server.origin;
	const session = new DocumentSession(name, {
		url: `${server.url.replace(/^http/, 'ws')}/sync`,
		openLocalCopy: copy ? () => copy : null,
		WebSocketPolyfill: class extends WebSocket {
			constructor(address: string, protocols?: string | string[]) {
				super(address, protocols, { headers: { cookie }, origin });
			}
		} as unknown as typeof globalThis.WebSocket
	});
	const events = {
		rejected: [] as Rejection[],
		lost: [] as LostChange[],
		closed: [] as CloseReason[],
		pending: [] as number[]
	};
	session.on('rejected', (rejections) => events.rejected.push(...rejections));
	session.on('lost', (change) => events.lost.push(change));
	session.on('closed', (reason) => events.closed.push(reason));
	session.on('pending', (pending) => events.pending.push(pending));
	sessions.push(session);
	return { session, events };
}

function setRole(
	session: DocumentSession,
	author: string,
	accountId: string,
	role: Member['role']
): void {
	const members = session.map<Member>('members');
	members.set(accountId, {
		...members.get(accountId)!,
		role,
		updatedBy: author,
		updatedAt: Date.now()
	});
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
	for (const session of sessions.splice(0)) session.destroy();
	await server.close();
});

describe('the client sync layer', () => {
	it('counts local changes until the server has handled them', async () => {
		const { session, events } = open('ada');
		await session.start();
		await waitFor(() => session.synced, 'the first sync');
		setRole(session, 'ada', 'nia', 'consumer');
		setRole(session, 'ada', 'ned', 'analyst');
		expect(session.pending).toBe(2);
		await waitFor(() => session.pending === 0, 'the confirmation');
		expect(events.pending).toContain(2);
	});

	it('keeps counting changes made offline, and confirms them after reconnecting', async () => {
		const { session } = open('ada');
		await session.start();
		await waitFor(() => session.synced, 'the first sync');
		session.provider.disconnect();
		setRole(session, 'ada', 'nia', 'consumer');
		session.map('members').delete('ned');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(session.pending).toBe(2);
		session.provider.connect();
		await waitFor(() => session.pending === 0, 'the confirmation');
		expect(server.app.registry.get('project/p1')!.index!.member('ned')).toBeUndefined();
	});

	it('reports refused changes with their reasons, and they count as handled', async () => {
		const { session, events } = open('nia');
		await session.start();
		await waitFor(() => session.synced, 'the first sync');
		setRole(session, 'nia', 'ned', 'admin');
		await waitFor(() => events.rejected.length === 1, 'the refusal');
		expect(events.rejected[0]).toMatchObject({ key: 'ned', code: 'admin-only' });
		await waitFor(() => session.pending === 0, 'the confirmation');
		expect(session.map<Member>('members').get('ned')!.role).toBe('consumer');
		expect(events.lost).toEqual([]);
	});

	it('says so when a change loses to a concurrent change of the same member', async () => {
		const ada = open('ada');
		const bo = open('bo');
		await Promise.all([ada.session.start(), bo.session.start()]);
		await waitFor(() => ada.session.synced && bo.session.synced, 'both to sync');
		ada.session.provider.disconnect();
		bo.session.provider.disconnect();
		setRole(ada.session, 'ada', 'nia', 'consumer');
		setRole(bo.session, 'bo', 'nia', 'admin');
		ada.session.provider.connect();
		bo.session.provider.connect();
		await waitFor(
			() => ada.session.pending === 0 && bo.session.pending === 0,
			'both confirmations'
		);
		const final = server.app.registry.get('project/p1')!.index!.member('nia')!;
		await waitFor(() => ada.events.lost.length + bo.events.lost.length === 1, 'one lost change');
		const [lost] = [...ada.events.lost, ...bo.events.lost];
		expect(lost).toMatchObject({ root: 'members', key: 'nia', winner: { role: final.role } });
		expect([...ada.events.rejected, ...bo.events.rejected]).toEqual([]);
	});

	it('deletes its local copy when access is revoked, and stops', async () => {
		const copy = new MemoryCopy();
		const ned = open('ned', 'project/p1', copy);
		await ned.session.start();
		await waitFor(() => ned.session.synced, 'the first sync');
		const ada = new SyncClient(server, 'ada', 'project/p1');
		await ada.synced();
		ada.map('members').delete('ned');
		await waitFor(() => ned.events.closed.length === 1, 'the revocation');
		expect(ned.events.closed[0]).toMatchObject({
			code: CLOSE.accessRevoked.code,
			wipeLocalCopy: true
		});
		expect(copy.cleared).toBe(true);
		expect(ned.session.closedFor?.code).toBe(CLOSE.accessRevoked.code);
		ada.destroy();
	});
});
