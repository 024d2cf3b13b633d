/**
 * Fixtures for the workflow tests: a server with a test clock (and real SMTP when given), a
 * consortium in institution-zone management with two Institution Zone projects and people in every
 * position, signed-in HTTP clients, and raw requests for what is not JSON (CSV up and down).
 */
import type { ManagementMode, Role } from '../../src/lib/shared';
import { createAccount } from '../../server/auth/accounts';
import type { AppOptions } from '../../server/app';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import { addZonePerson } from '../../server/consortium/zone-people';
import { TestClock, testAuthPolicy } from './auth';
import { TestClient } from './client';
import { startServer, type TestServer } from './server';
import type { TestSmtpServer } from './smtp';
import { sessionCookieFor } from './sync';

export interface WorkflowServerOptions {
	smtp?: TestSmtpServer;
	clock?: TestClock;
	dataDir?: string;
	options?: AppOptions;
}

export function startWorkflowServer(setup: WorkflowServerOptions = {}): Promise<TestServer> {
	return startServer(
		{ auth: testAuthPolicy(), ...(setup.dataDir ? { dataDir: setup.dataDir } : {}) },
		setup.smtp ? { SMTP_URL: setup.smtp.url } : {},
		{ now: setup.clock?.now, ...setup.options }
	);
}

export const email = (accountId: string) => `${accountId}@example.org`;
export const nameOf = (accountId: string) => `Name of ${accountId}`;

/**
 * The Harbour consortium (institution-zone management): the Network Zone `nz` (the office) and
 * the Institution Zones `aurora` and `borealis`, each with its project (`p1` "Aurora Analytics",
 * `p2` "Borealis Analytics", each with the single data view `main`). People:
 * - iza: Project Admin of p1 (Aurora); ian: Analyst of p1 (Aurora); cole: Consumer of p1 (Aurora);
 * - nadia: Project Admin of p1 from the Network Zone;
 * - bea: Project Admin of p2 (Borealis);
 * - nora, nate: Network Zone users the office added, members of nothing.
 */
export function setUpHarbour(server: Pick<TestServer, 'app'>): void {
	const { db, registry } = server.app;
	const consortium = createConsortium(db, {
		id: 'harbour',
		name: 'Harbour',
		mode: 'institution-zone',
		zones: [
			{ id: 'nz', kind: 'network', name: 'Harbour Office' },
			{ id: 'aurora', kind: 'institution', name: 'Aurora' },
			{ id: 'borealis', kind: 'institution', name: 'Borealis' }
		]
	});
	createProject(db, registry, consortium, {
		id: 'p1',
		name: 'Aurora Analytics',
		ownerZoneId: 'aurora'
	});
	createProject(db, registry, consortium, {
		id: 'p2',
		name: 'Borealis Analytics',
		ownerZoneId: 'borealis'
	});
	const members: Array<[string, string, Role, string]> = [
		['p1', 'iza', 'admin', 'aurora'],
		['p1', 'ian', 'analyst', 'aurora'],
		['p1', 'cole', 'consumer', 'aurora'],
		['p1', 'nadia', 'admin', 'nz'],
		['p2', 'bea', 'admin', 'borealis']
	];
	for (const [projectId, accountId, role, zoneId] of members) {
		account(server, accountId);
		putMember(db, registry, projectId, {
			accountId,
			email: email(accountId),
			name: nameOf(accountId),
			role,
			zoneId
		});
	}
	for (const accountId of ['nora', 'nate']) {
		account(server, accountId);
		addZonePerson(db, 'nz', accountId, 'office', Date.now());
	}
}

/** A consortium in the other mode, for what it refuses: `n1`, with nora in its Network Zone. */
export function setUpNetworkZoneConsortium(server: Pick<TestServer, 'app'>): void {
	const { db, registry } = server.app;
	const mode: ManagementMode = 'network-zone';
	const consortium = createConsortium(db, {
		id: 'northern',
		name: 'Northern',
		mode,
		zones: [
			{ id: 'nl-office', kind: 'network', name: 'Northern Office' },
			{ id: 'nl-aurora', kind: 'institution', name: 'Northern Aurora' }
		]
	});
	createProject(db, registry, consortium, { id: 'n1', name: 'Northern Analytics' });
	addZonePerson(db, 'nl-office', 'nora', 'office', Date.now());
}

export function account(server: Pick<TestServer, 'app'>, accountId: string): void {
	createAccount(server.app.authDb, {
		id: accountId,
		email: email(accountId),
		name: nameOf(accountId)
	});
}

/** An HTTP client signed in as the account (a real session, in the cookie a browser sends). */
export function signedIn(server: TestServer, accountId: string): TestClient {
	const client = new TestClient(server);
	const cookie = sessionCookieFor(server, accountId);
	client.cookies.set(cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1));
	return client;
}

/** A request whose body or answer is not JSON (CSV), as a signed-in browser sends it. */
export function rawRequest(
	server: TestServer,
	accountId: string,
	path: string,
	init: { method?: string; body?: Uint8Array<ArrayBuffer> | string; contentType?: string } = {}
): Promise<Response> {
	const headers: Record<string, string> = {
		Cookie: sessionCookieFor(server, accountId),
		Origin: server.origin
	};
	if (init.contentType) headers['Content-Type'] = init.contentType;
	return fetch(`${server.url}${path}`, {
		method: init.method ?? 'GET',
		headers,
		body: init.body
	});
}

/** The rows of the outbox whose subject contains `subject`, by recipient. */
export function outboxRecipients(server: TestServer, subject: string): string[] {
	return server.app.db
		.prepare('SELECT to_address FROM mail_outbox WHERE subject LIKE ? ORDER BY id')
		.pluck()
		.all(`%${subject}%`) as string[];
}
