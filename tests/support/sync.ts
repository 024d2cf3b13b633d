/**
 * Real y-websocket clients against a real console server, for the sync tests: real accounts, real
 * sessions in the cookie the browser would send, real sockets.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
	MESSAGE_VERDICT,
	type ManagementMode,
	type Member,
	type Role,
	type Verdict
} from '../../src/lib/shared';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { testAuthPolicy } from './auth';
import { startServer, type TestServer } from './server';
import type { AppOptions } from '../../server/app';
import { eventually } from './eventually';

/** A sync server with real sessions and a cheap (but real) password cost. */
export function startSyncServer(options: AppOptions = {}, dataDir?: string): Promise<TestServer> {
	return startServer({ auth: testAuthPolicy(), ...(dataDir ? { dataDir } : {}) }, {}, options);
}

/** The Cookie header of a fresh session of the account, as the browser would send it. */
export function sessionCookieFor(server: Pick<TestServer, 'app'>, accountId: string): string {
	const created = createSession(server.app.authDb, accountId, {
		ip: '127.0.0.1',
		userAgent: 'sync-tests'
	});
	return `${sessionCookieName(server.app.site)}=${created.token}`;
}

export interface Person {
	accountId: string;
	role: Role;
	zone: 'nz' | 'aurora' | 'borealis';
}

/**
 * A consortium (Office at office.example.org, Aurora at aurora.example.edu, Borealis at
 * borealis.example.edu) and one project with the given members (addresses at example.org).
 */
export function setUpProject(
	server: Pick<TestServer, 'app'>,
	mode: ManagementMode,
	people: Person[]
): { projectId: string } {
	const { db, authDb, registry } = server.app;
	const consortium = createConsortium(db, {
		name: 'Northern Lights',
		mode,
		zones: [
			{ id: 'nz', kind: 'network', name: 'Office', emailDomains: ['office.example.org'] },
			{
				id: 'aurora',
				kind: 'institution',
				name: 'Aurora',
				emailDomains: ['aurora.example.edu']
			},
			{
				id: 'borealis',
				kind: 'institution',
				name: 'Borealis',
				emailDomains: ['borealis.example.edu']
			}
		]
	});
	const project = createProject(db, registry, consortium, {
		id: 'p1',
		name: 'Analytics',
		ownerZoneId: mode === 'institution-zone' ? 'aurora' : undefined
	});
	for (const person of people) {
		createAccount(authDb, {
			id: person.accountId,
			email: `${person.accountId}@example.org`,
			name: `Name of ${person.accountId}`
		});
		putMember(db, registry, project.id, {
			accountId: person.accountId,
			email: `${person.accountId}@example.org`,
			name: `Name of ${person.accountId}`,
			role: person.role,
			zoneId: person.zone
		});
	}
	return { projectId: project.id };
}

export class SyncClient {
	readonly verdicts: Verdict[] = [];
	/** The client's members as they stood when each verdict arrived. */
	readonly membersAtVerdict: Array<Record<string, unknown>> = [];
	readonly closes: Array<{ code: number; reason: string }> = [];
	readonly provider: WebsocketProvider;

	/**
	 * Connects with a fresh session of the account, or with the `cookie` given; `params` go into
	 * the URL (an embedded session's token, with `cookie: ''`).
	 */
	constructor(
		server: Pick<TestServer, 'url' | 'origin'> & Partial<Pick<TestServer, 'app'>>,
		readonly accountId: string,
		readonly documentName: string,
		readonly doc = new Y.Doc(),
		options: {
			connect?: boolean;
			cookie?: string;
			origin?: string;
			params?: Record<string, string>;
		} = {}
	) {
		const headers = { cookie: options.cookie ?? sessionCookieFor(server as TestServer, accountId) };
		const origin = options.origin ?? server.origin;
		const Socket = class extends WebSocket {
			constructor(address: string, protocols?: string | string[]) {
				super(address, protocols, { headers, origin });
			}
		};
		this.provider = new WebsocketProvider(
			`${server.url.replace(/^http/, 'ws')}/sync`,
			documentName,
			doc,
			{
				WebSocketPolyfill: Socket as unknown as typeof globalThis.WebSocket,
				connect: options.connect ?? true,
				params: options.params ?? {},
				disableBc: true,
				maxBackoffTime: 200
			}
		);
		this.provider.messageHandlers[MESSAGE_VERDICT] = (_encoder, decoder) => {
			this.verdicts.push(JSON.parse(decoding.readVarString(decoder)) as Verdict);
			this.membersAtVerdict.push(this.map('members').toJSON());
		};
		this.provider.on('connection-close', (event) => {
			if (event) this.closes.push({ code: event.code, reason: event.reason });
		});
	}

	map<T = unknown>(root: string): Y.Map<T> {
		return this.doc.getMap<T>(root);
	}

	member(accountId: string): Member | undefined {
		return this.map<Member>('members').get(accountId);
	}

	/** Writes a member entry as our client would: the whole value, stamped with the author. */
	setMember(accountId: string, patch: Partial<Member>): void {
		const current = this.member(accountId)!;
		this.map('members').set(accountId, {
			...current,
			...patch,
			updatedBy: this.accountId,
			updatedAt: Date.now()
		});
	}

	async synced(): Promise<void> {
		await eventually(() => this.provider.synced, `${this.accountId} to sync ${this.documentName}`);
	}

	destroy(): void {
		this.provider.destroy();
		this.doc.destroy();
	}
}

/** The server's current value of an entry. */
export function serverValue(
	server: TestServer,
	documentName: string,
	root: string,
	key: string
): unknown {
	return server.app.registry.read(documentName, (document) => document.root(root).get(key));
}

/** The document's content, root by root (empty roots left out: a client only has the roots it saw). */
export function stateOf(doc: Y.Doc): string {
	const roots = [...doc.share.keys()].sort().filter((root) => doc.getMap(root).size > 0);
	return JSON.stringify(Object.fromEntries(roots.map((root) => [root, doc.getMap(root).toJSON()])));
}

export interface RawSocket {
	ws: WebSocket;
	/** Resolves with the close code and reason, or the HTTP status when the upgrade was refused. */
	closed: Promise<{ code: number; reason: string }>;
	opened: Promise<void>;
	received: Uint8Array[];
}

/** A bare WebSocket to the sync endpoint, for sending what no well-behaved client would. */
export function rawSocket(
	server: TestServer,
	accountId: string | null,
	documentName: string,
	origin = server.origin,
	/** The session to present: a new one of `accountId` unless given. */
	cookie = accountId ? sessionCookieFor(server, accountId) : null
): RawSocket {
	const headers: Record<string, string> = cookie ? { cookie } : {};
	const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/sync/${documentName}`, {
		headers,
		origin
	});
	const received: Uint8Array[] = [];
	ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
	const closed = new Promise<{ code: number; reason: string }>((resolve) => {
		ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
		ws.on('unexpected-response', (_req, res) =>
			resolve({ code: res.statusCode ?? 0, reason: 'http' })
		);
	});
	ws.on('error', () => undefined);
	const opened = new Promise<void>((resolve) => ws.on('open', () => resolve()));
	return { ws, closed, opened, received };
}

/** A y-websocket sync message of the given sync type (2: update) carrying `payload`. */
export function syncMessage(payload: Uint8Array, syncType = 2): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, syncType);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

/** A new invitation as the console writes it: queued, for the server to send. */
export function queuedInvite(id: string, invitedBy: string, email = 'newcomer@office.example.org') {
	return {
		id,
		email,
		role: 'analyst',
		zoneId: 'nz',
		scope: 'all',
		invitedBy,
		invitedAt: Date.now(),
		sendRequests: 1,
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null
	};
}
