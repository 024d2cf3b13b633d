import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/lib/shared';
import { createSession } from '../../server/auth/sessions';
import { revokePortal } from '../../server/embed/portals';
import { startAuthServer, TestClock } from '../support/auth';
import {
	embeddedToken,
	grantPortal,
	registerTestPortal,
	tokenSocket,
	type TokenSocket
} from '../support/embed';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';

const MINUTE = 60_000;

let server: TestServer | undefined;
let clock: TestClock;
const sockets: TokenSocket[] = [];

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.ws.terminate();
	await server?.close();
	server = undefined;
});

async function start() {
	clock = new TestClock();
	server = await startAuthServer({ clock });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
	const portal = registerTestPortal(server);
	grantPortal(server, portal, 'ada');
	const token = await embeddedToken(server, portal, 'ada@example.org');
	return { server, portal, token };
}

function open(
	server: TestServer,
	document: string,
	params: Record<string, string>,
	origin?: string
): TokenSocket {
	const socket = tokenSocket(server, document, params, origin);
	sockets.push(socket);
	return socket;
}

describe('the sync endpoint and embedded sessions', () => {
	it('accepts an embedded session’s token as a URL parameter, from the console’s origin', async () => {
		const { server, token } = await start();
		const socket = open(server, 'project/p1', { token });
		await socket.opened;
		expect(server.app.sync.connections.size).toBe(1);
		expect([...server.app.sync.connections][0]!.principal).toMatchObject({
			accountId: 'ada',
			embedded: { projectId: 'p1' }
		});
	});

	it('refuses the upgrade from a portal’s or any other origin, token or not', async () => {
		const { server, token } = await start();
		for (const origin of ['https://portal.example.org', 'https://evil.example.com']) {
			expect(await open(server, 'project/p1', { token }, origin).closed).toBe(403);
		}
	});

	it('opens the one project the session was issued for, and nothing else', async () => {
		const { server, token } = await start();
		expect(await open(server, 'user/ada', { token }).closed).toBe(CLOSE.forbidden.code);
		expect(await open(server, 'view/p1/global', { token }).closed).toBe(CLOSE.forbidden.code);
	});

	it('refuses a console session’s token in the URL: only embedded ones travel there', async () => {
		const { server } = await start();
		const { token } = createSession(server.app.authDb, 'ada', { ip: '127.0.0.1', userAgent: 'x' });
		expect(await open(server, 'project/p1', { token }).closed).toBe(CLOSE.unauthenticated.code);
	});

	it('closes an embedded connection once its session has expired', async () => {
		const { server, token } = await start();
		const socket = open(server, 'project/p1', { token });
		await socket.opened;
		clock.advance(14 * MINUTE);
		expect(server.app.sync.recheckSessions()).toBe(0);
		clock.advance(MINUTE);
		expect(server.app.sync.recheckSessions()).toBe(1);
		expect(await socket.closed).toBe(CLOSE.unauthenticated.code);
		expect(await open(server, 'project/p1', { token }).closed).toBe(CLOSE.unauthenticated.code);
	});

	it('closes a revoked portal’s connections, and refuses its sessions', async () => {
		const { server, portal, token } = await start();
		const socket = open(server, 'project/p1', { token });
		await socket.opened;
		expect(revokePortal(server.app.authDb, portal.id, null)).toBe(true);
		server.app.sync.recheckSessions();
		expect(await socket.closed).toBe(CLOSE.unauthenticated.code);
		expect(await open(server, 'project/p1', { token }).closed).toBe(CLOSE.unauthenticated.code);
	});
});
