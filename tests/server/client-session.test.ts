/**
 * The console's client sync layer (src/lib/sync/document-session.ts, sync-hub.ts) against a real
 * server: the pending-change count, refusals, changes that lose to concurrent ones, revocation,
 * and unconfirmed changes of documents nobody has open any more.
 */
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, type CloseReason, type Member } from '../../src/lib/shared';
import {
	DocumentSession,
	type ClosedCopy,
	type LocalCopy,
	type LostChange,
	type RefusedChange
} from '../../src/lib/sync/document-session';
import { SyncHub } from '../../src/lib/sync/sync-hub';
import type { TestServer } from '../support/server';
import {
	SyncClient,
	queuedInvite,
	sessionCookieFor,
	setUpProject,
	startSyncServer
} from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const sessions: DocumentSession[] = [];
const hubs: SyncHub[] = [];

/** Stands in for IndexedDB, which Node lacks; the browser tests use the real one. */
class MemoryCopy implements LocalCopy {
	cleared = false;
	readonly whenSynced = Promise.resolve();
	async clearData(): Promise<void> {
		this.cleared = true;
	}
	destroy(): void {}
}

/** A WebSocket that carries the account's session cookie, as the browser's would. */
function socketOf(accountId: string): typeof globalThis.WebSocket {
	const cookie = sessionCookieFor(server, accountId);
	const origin = server.origin;
	return class extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols, { headers: { cookie }, origin });
		}
	} as unknown as typeof globalThis.WebSocket;
}

function open(
	accountId: string,
	name = 'project/p1',
	copy: LocalCopy | null = null,
	confirmAfterMs?: number
) {
	const session = new DocumentSession(name, {
		url: `${server.url.replace(/^http/, 'ws')}/sync`,
		openLocalCopy: copy ? () => copy : null,
		WebSocketPolyfill: socketOf(accountId),
		...(confirmAfterMs === undefined ? {} : { confirmAfterMs })
	});
	const events = {
		rejected: [] as RefusedChange[],
		lost: [] as LostChange[],
		closed: [] as CloseReason[],
		copies: [] as ClosedCopy[],
		pending: [] as number[]
	};
	session.on('rejected', (refused) => events.rejected.push(...refused));
	session.on('lost', (change) => events.lost.push(change));
	session.on('closed', (reason, copy) => {
		events.closed.push(reason);
		events.copies.push(copy);
	});
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
	for (const hub of hubs.splice(0)) hub.destroy();
	await server.close();
});

describe('the client sync layer', () => {
	it('counts local changes until the server has handled them', async () => {
		const { session, events } = open('ada');
		await session.start();
		await eventually(() => session.synced, 'the first sync');
		setRole(session, 'ada', 'nia', 'consumer');
		setRole(session, 'ada', 'ned', 'analyst');
		expect(session.pending).toBe(2);
		await eventually(() => session.pending === 0, 'the confirmation');
		expect(events.pending).toContain(2);
	});

	it('keeps counting changes made offline, and confirms them after reconnecting', async () => {
		const { session } = open('ada');
		await session.start();
		await eventually(() => session.synced, 'the first sync');
		session.provider.disconnect();
		setRole(session, 'ada', 'nia', 'consumer');
		session.map('members').delete('ned');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(session.pending).toBe(2);
		session.provider.connect();
		await eventually(() => session.pending === 0, 'the confirmation');
		expect(server.app.registry.get('project/p1')!.index!.member('ned')).toBeUndefined();
	});

	it('reports refused changes with their reasons, what we wrote and the entry as it stands', async () => {
		const { session, events } = open('nia');
		await session.start();
		await eventually(() => session.synced, 'the first sync');
		setRole(session, 'nia', 'ned', 'admin');
		await eventually(() => events.rejected.length === 1, 'the refusal');
		expect(events.rejected[0]).toMatchObject({
			rejection: { key: 'ned', code: 'admin-only' },
			attempted: { accountId: 'ned', role: 'admin', updatedBy: 'nia' },
			current: { accountId: 'ned', role: 'consumer' }
		});
		expect(session.pending).toBe(0);
		expect(session.map<Member>('members').get('ned')!.role).toBe('consumer');
		expect(events.lost).toEqual([]);
	});

	it('tells changes made offline that were refused on reconnect because our own role changed meanwhile', async () => {
		const { session, events } = open('ada');
		await session.start();
		await eventually(() => session.synced, 'the first sync');
		session.provider.disconnect();
		setRole(session, 'ada', 'nia', 'consumer');
		session.map('members').delete('ned');
		// Meanwhile Ada stepped down on another device (no admin may demote another).
		const adaElsewhere = new SyncClient(server, 'ada', 'project/p1');
		await adaElsewhere.synced();
		adaElsewhere.setMember('ada', { role: 'analyst' });
		await eventually(
			() => server.app.registry.get('project/p1')!.index!.member('ada')?.role === 'analyst',
			'Ada stepped down'
		);
		session.provider.connect();

		await eventually(() => events.rejected.length === 2, 'both refusals');
		expect(events.rejected.map((refused) => refused.rejection.code)).toEqual([
			'admin-only',
			'admin-only'
		]);
		expect(events.rejected.find((refused) => refused.rejection.key === 'ned')).toMatchObject({
			attempted: undefined,
			current: { accountId: 'ned', role: 'consumer' }
		});
		expect(session.map<Member>('members').get('ada')).toMatchObject({
			role: 'analyst',
			updatedBy: 'ada'
		});
		expect(events.lost).toEqual([]);
		adaElsewhere.destroy();
	});

	it('lets the later of two concurrent changes stand, and tells neither admin of a loss that did not happen', async () => {
		const ada = open('ada');
		const bo = open('bo');
		await Promise.all([ada.session.start(), bo.session.start()]);
		await eventually(() => ada.session.synced && bo.session.synced, 'both to sync');
		ada.session.provider.disconnect();
		bo.session.provider.disconnect();
		setRole(ada.session, 'ada', 'nia', 'consumer');
		setRole(bo.session, 'bo', 'nia', 'admin');
		ada.session.provider.connect();
		await eventually(() => ada.session.pending === 0, 'Ada’s confirmation');
		bo.session.provider.connect();
		await eventually(() => bo.session.pending === 0, 'Bo’s confirmation');

		await eventually(
			() => ada.session.map<Member>('members').get('nia')?.role === 'admin',
			'Bo’s change at Ada’s'
		);
		expect(server.app.registry.get('project/p1')!.index!.member('nia')).toMatchObject({
			role: 'admin',
			updatedBy: 'bo'
		});
		expect(bo.session.map<Member>('members').get('nia')?.role).toBe('admin');
		expect([...ada.events.lost, ...bo.events.lost]).toEqual([]);
		expect([...ada.events.rejected, ...bo.events.rejected]).toEqual([]);
	});

	it('says so when another admin’s change replaced ours before the server confirmed it', async () => {
		const ada = open('ada', 'project/p1', null, 400);
		const bo = new SyncClient(server, 'bo', 'project/p1');
		await Promise.all([ada.session.start(), bo.synced()]);
		await eventually(() => ada.session.synced, 'Ada to sync');

		setRole(ada.session, 'ada', 'nia', 'consumer');
		await eventually(() => bo.member('nia')?.role === 'consumer', 'Ada’s change at Bo’s');
		bo.setMember('nia', { role: 'admin' });

		await eventually(() => ada.events.lost.length === 1, 'the replaced change');
		expect(ada.events.lost[0]).toMatchObject({
			root: 'members',
			key: 'nia',
			winner: { role: 'admin', updatedBy: 'bo' },
			attempted: { role: 'consumer', updatedBy: 'ada' }
		});
		expect(ada.events.rejected).toEqual([]);
		bo.destroy();
	});

	it('says so when a removal made offline meets another admin’s change of the same member', async () => {
		const ada = open('ada');
		const bo = new SyncClient(server, 'bo', 'project/p1');
		await Promise.all([ada.session.start(), bo.synced()]);
		await eventually(() => ada.session.synced, 'Ada to sync');

		ada.session.provider.disconnect();
		ada.session.map('members').delete('ned');
		bo.setMember('ned', { role: 'analyst' });
		await eventually(
			() => server.app.registry.get('project/p1')!.index!.member('ned')?.role === 'analyst',
			'Bo’s change'
		);
		ada.session.provider.connect();

		await eventually(() => ada.events.lost.length === 1, 'the change that stands');
		expect(ada.events.lost[0]).toMatchObject({
			key: 'ned',
			winner: { role: 'analyst', updatedBy: 'bo' }
		});
		expect(ada.session.map<Member>('members').get('ned')?.role).toBe('analyst');
		bo.destroy();
	});

	it('tells no loss when the server only completes our entry (an invitation marked sent)', async () => {
		const ada = open('ada');
		await ada.session.start();
		await eventually(() => ada.session.synced, 'Ada to sync');
		ada.session.map('invites').set('inv1', queuedInvite('inv1', 'ada'));
		await eventually(
			() =>
				(ada.session.map('invites').get('inv1') as { status?: string } | undefined)?.status !==
					'queued' && ada.session.pending === 0,
			'the invitation sent and confirmed'
		);
		expect(ada.events.rejected).toEqual([]);
		expect(ada.events.lost).toEqual([]);
	});

	it('deletes its local copy when access is revoked, and stops', async () => {
		const copy = new MemoryCopy();
		const ned = open('ned', 'project/p1', copy);
		await ned.session.start();
		await eventually(() => ned.session.synced, 'the first sync');
		const ada = new SyncClient(server, 'ada', 'project/p1');
		await ada.synced();
		ada.map('members').delete('ned');
		await eventually(() => ned.events.closed.length === 1, 'the revocation');
		expect(ned.events.closed[0]).toMatchObject({
			code: CLOSE.accessRevoked.code,
			wipeLocalCopy: true
		});
		expect(ned.events.copies[0]).toEqual({ hadCopy: true, unsent: 0 });
		expect(copy.cleared).toBe(true);
		expect(ned.session.closedFor?.code).toBe(CLOSE.accessRevoked.code);
		ada.destroy();
	});

	it('counts the changes made offline that went with the copy when access was removed meanwhile', async () => {
		const copy = new MemoryCopy();
		const nia = open('nia', 'view/p1/global', copy);
		await nia.session.start();
		await eventually(() => nia.session.synced, 'the first sync');
		nia.session.provider.disconnect();
		nia.session.map('boards').set('b1', {
			id: 'b1',
			name: 'Loans',
			description: '',
			reports: [],
			createdBy: 'nia',
			createdAt: Date.now(),
			updatedBy: 'nia',
			updatedAt: Date.now()
		});
		const ada = new SyncClient(server, 'ada', 'project/p1');
		await ada.synced();
		ada.map('members').delete('nia');
		await eventually(
			() => server.app.registry.get('project/p1')!.index!.member('nia') === undefined,
			'Nia removed'
		);
		nia.session.provider.connect();

		await eventually(() => nia.events.closed.length === 1, 'the refusal of the connection');
		expect(nia.events.closed[0]!.code).toBe(CLOSE.forbidden.code);
		expect(nia.events.copies[0]).toEqual({ hadCopy: true, unsent: 1 });
		expect(copy.cleared).toBe(true);
		ada.destroy();
	});
});

/** One browser's storage as the hub uses it: localStorage, and IndexedDB's databases. */
class Device {
	readonly storage = new Map<string, string>();
	readonly databases = new Map<string, Uint8Array>();

	hub(accountId: string): SyncHub {
		const { storage, databases } = this;
		const hub = new SyncHub({
			url: `${server.url.replace(/^http/, 'ws')}/sync`,
			accountId,
			WebSocketPolyfill: socketOf(accountId),
			openLocalCopy: (name, doc) => new StoredCopy(databases, name, doc),
			counts: {
				get length() {
					return storage.size;
				},
				key: (index) => [...storage.keys()][index] ?? null,
				getItem: (key) => storage.get(key) ?? null,
				setItem: (key, value) => void storage.set(key, value),
				removeItem: (key) => void storage.delete(key)
			},
			storedCopies: {
				names: async () => [...databases.keys()],
				delete: async (name) => void databases.delete(name)
			}
		});
		hubs.push(hub);
		return hub;
	}
}

/** A document's copy in `databases`, loaded and saved as y-indexeddb does. */
class StoredCopy implements LocalCopy {
	readonly whenSynced: Promise<void>;
	readonly #save: (update: Uint8Array) => void;

	constructor(
		private readonly databases: Map<string, Uint8Array>,
		private readonly name: string,
		private readonly doc: Y.Doc
	) {
		this.whenSynced = Promise.resolve().then(() => {
			const saved = databases.get(name);
			if (saved) Y.applyUpdate(doc, saved, this);
		});
		this.#save = (update) => {
			const saved = databases.get(name);
			databases.set(name, saved ? Y.mergeUpdates([saved, update]) : update);
		};
		doc.on('update', this.#save);
	}

	async clearData(): Promise<void> {
		this.destroy();
		this.databases.delete(this.name);
	}

	destroy(): void {
		this.doc.off('update', this.#save);
	}
}

describe('the sync hub', () => {
	const serverRole = (accountId: string) =>
		server.app.registry.get('project/p1')!.index!.member(accountId)?.role;

	it('keeps a document that was let go with unconfirmed changes connected until they are confirmed', async () => {
		const hub = new Device().hub('ada');
		const session = hub.open('project/p1');
		await eventually(() => session.synced, 'the first sync');
		session.provider.disconnect();
		setRole(session, 'ada', 'nia', 'consumer');
		hub.release('project/p1');

		expect(hub.get('project/p1')).toBe(session);
		expect(hub.summary().pending).toBe(1);
		session.provider.connect();
		await eventually(() => serverRole('nia') === 'consumer', 'the change on the server');
		await eventually(() => hub.get('project/p1') === undefined, 'the document to close');
		expect(hub.summary()).toMatchObject({ pending: 0 });
	});

	it('closes a document at once when it is let go with nothing to send, and reuses a kept one', async () => {
		const hub = new Device().hub('ada');
		const session = hub.open('project/p1');
		await eventually(() => session.synced, 'the first sync');
		hub.release('project/p1');
		expect(hub.get('project/p1')).toBeUndefined();

		const again = hub.open('project/p1');
		await eventually(() => again.synced, 'the second sync');
		again.provider.disconnect();
		setRole(again, 'ada', 'nia', 'consumer');
		hub.release('project/p1');
		expect(hub.open('project/p1')).toBe(again);
		again.provider.connect();
		await eventually(() => again.pending === 0, 'the confirmation');
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(hub.get('project/p1')).toBe(again);
	});

	it('sends, after a reload, the changes of a document nobody opens again', async () => {
		const device = new Device();
		const before = device.hub('ada');
		const session = before.open('project/p1');
		await eventually(() => session.synced, 'the first sync');
		session.provider.disconnect();
		setRole(session, 'ada', 'nia', 'consumer');
		await session.localCopy!.whenSynced;
		before.destroy();
		expect(serverRole('nia')).toBe('analyst');

		const after = device.hub('ada');
		expect(after.summary().pending).toBe(1);
		await eventually(() => serverRole('nia') === 'consumer', 'the change on the server');
		await eventually(() => after.get('project/p1') === undefined, 'the document to close');
		expect(after.summary().pending).toBe(0);
		expect(device.storage.size).toBe(0);
		// Another account's hub on the same device does not send (or count) ada's changes.
		expect(device.hub('bo').summary().pending).toBe(0);
	});

	it('deletes at sign-out every offline copy and count of the account, open or not', async () => {
		const device = new Device();
		const bo = device.hub('bo');
		const boSession = bo.open('project/p1');
		await eventually(() => boSession.synced, 'bo’s sync');
		const hub = device.hub('ada');
		const user = hub.open('user/ada');
		await eventually(() => user.synced, 'the user document');
		hub.release('user/ada');
		const project = hub.open('project/p1');
		await eventually(() => project.synced, 'the first sync');
		project.provider.disconnect();
		setRole(project, 'ada', 'nia', 'consumer');
		hub.release('project/p1');
		expect(hub.get('user/ada')).toBeUndefined();
		expect([...device.databases.keys()].sort()).toEqual([
			'console:ada:project/p1',
			'console:ada:user/ada',
			'console:bo:project/p1'
		]);
		expect([...device.storage.keys()]).toEqual(['console:ada:pending-changes:project/p1']);

		await hub.wipeOfflineCopies();
		expect([...device.databases.keys()]).toEqual(['console:bo:project/p1']);
		expect([...device.storage.keys()]).toEqual([]);
	});
});
