/**
 * Ending a session ends its live sync connections too: a browser signed out (here, from another
 * device, or by a password reset) must stop reading and writing the documents it had open, at
 * once, and an expired session's connections close at the next periodic check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, PROJECT_SETTINGS_KEY, type ProjectInfo } from '../../src/lib/shared';
import { DEFAULT_AUTH_POLICY } from '../../server/auth/settings';
import { signInWithLink, startAuthServer, TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { setUpProject, SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';

const DAY = 24 * 60 * 60_000;
const ADA = 'ada@example.org';
/** Well under the periodic check (10 s): a close within it came from the session ending. */
const PROMPTLY = 2000;

let smtp: TestSmtpServer | undefined;
let server: TestServer | undefined;
const syncClients: SyncClient[] = [];

afterEach(async () => {
	for (const client of syncClients.splice(0)) client.destroy();
	await server?.close();
	await smtp?.stop();
	server = undefined;
	smtp = undefined;
});

async function start(options: { clock?: TestClock; recheckConnectionsEveryMs?: number } = {}) {
	smtp = await startSmtpServer();
	const sessions = { ...DEFAULT_AUTH_POLICY.sessions };
	if (options.recheckConnectionsEveryMs) {
		sessions.recheckConnectionsEveryMs = options.recheckConnectionsEveryMs;
	}
	server = await startAuthServer({ smtp, clock: options.clock, policy: { sessions } });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'grace', role: 'analyst', zone: 'aurora' }
	]);
	return { server, smtp };
}

/** A browser signed in through the emailed link, with the cookie it was given. */
async function browser(email: string, userAgent: string): Promise<TestClient> {
	const client = new TestClient(server!, { userAgent });
	await signInWithLink(client, smtp!, email);
	return client;
}

/** A sync connection from that browser (its cookie), synced before the test goes on. */
async function connect(client: TestClient, accountId: string, document: string) {
	const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	const sync = new SyncClient(server!, accountId, document, undefined, { cookie });
	syncClients.push(sync);
	await sync.synced();
	return sync;
}

async function closedUnauthenticated(sync: SyncClient): Promise<void> {
	await eventually(() => sync.closes.length > 0, `${sync.accountId} to be disconnected`, PROMPTLY);
	expect(sync.closes[0]!.code).toBe(CLOSE.unauthenticated.code);
	expect(sync.provider.wsconnected).toBe(false);
}

/** Still connected to project/p1, and still hears the server's changes to it. */
async function stillLive(sync: SyncClient, label: string): Promise<void> {
	const name = `Renamed ${label}`;
	server!.app.registry.change('project/p1', (roots) => {
		const settings = roots.settings;
		const info = settings.get(PROJECT_SETTINGS_KEY) as ProjectInfo;
		settings.set(PROJECT_SETTINGS_KEY, { ...info, name });
	});
	const settings = sync.map<ProjectInfo>('settings');
	await eventually(
		() => settings.get(PROJECT_SETTINGS_KEY)?.name === name,
		`${sync.accountId} to hear the change`
	);
	expect(sync.closes).toEqual([]);
}

describe('sync connections of ended sessions', () => {
	it('signing out closes every connection of that browser, and no other session’s', async () => {
		await start();
		const laptop = await browser(ADA, 'Laptop');
		const phone = await browser(ADA, 'Phone');
		const laptopProject = await connect(laptop, 'ada', 'project/p1');
		const laptopUser = await connect(laptop, 'ada', 'user/ada');
		const phoneProject = await connect(phone, 'ada', 'project/p1');

		expect((await laptop.post('/api/auth/sign-out')).status).toBe(204);
		await closedUnauthenticated(laptopProject);
		await closedUnauthenticated(laptopUser);
		await stillLive(phoneProject, 'after sign-out');
	});

	it('“sign out everywhere else” closes the other sessions’ connections, not the current one’s', async () => {
		await start();
		const laptop = await browser(ADA, 'Laptop');
		const phone = await browser(ADA, 'Phone');
		const grace = await browser('grace@example.org', 'Grace');
		const laptopSync = await connect(laptop, 'ada', 'project/p1');
		const phoneSync = await connect(phone, 'ada', 'project/p1');
		const graceSync = await connect(grace, 'grace', 'project/p1');

		expect((await laptop.post('/api/account/sessions/end-others')).status).toBe(204);
		await closedUnauthenticated(phoneSync);
		await stillLive(laptopSync, 'after ending the others');
		expect(graceSync.closes).toEqual([]);
	});

	it('ending one session from Personal Settings closes that session’s connections', async () => {
		await start();
		const laptop = await browser(ADA, 'Laptop');
		const phone = await browser(ADA, 'Phone');
		const laptopSync = await connect(laptop, 'ada', 'project/p1');
		const phoneSync = await connect(phone, 'ada', 'project/p1');
		const sessions = (await laptop.get('/api/account/sessions')).body.sessions as {
			id: string;
			current: boolean;
		}[];
		const phoneSession = sessions.find((session) => !session.current)!;

		expect((await laptop.delete(`/api/account/sessions/${phoneSession.id}`)).status).toBe(204);
		await closedUnauthenticated(phoneSync);
		await stillLive(laptopSync, 'after ending the phone');
	});

	it('a password reset closes the connections of every session of the account', async () => {
		await start();
		const laptop = await browser(ADA, 'Laptop');
		const phone = await browser(ADA, 'Phone');
		const laptopSync = await connect(laptop, 'ada', 'project/p1');
		const phoneSync = await connect(phone, 'ada', 'user/ada');

		const elsewhere = new TestClient(server!);
		expect((await elsewhere.post('/api/auth/password-reset', { email: ADA })).status).toBe(202);
		const token = tokenFromLink(extractLink(await smtp!.nextMessageTo(ADA), '/reset-password'));
		const reset = await elsewhere.post('/api/auth/password-reset/confirm', {
			token,
			password: 'a new password'
		});
		expect(reset.status).toBe(200);
		await closedUnauthenticated(laptopSync);
		await closedUnauthenticated(phoneSync);
		// The session the reset opened connects as usual.
		await stillLive(await connect(elsewhere, 'ada', 'project/p1'), 'after the reset');
	});

	it('closes the connections of a session that expired, at the periodic check', async () => {
		const clock = new TestClock();
		await start({ clock, recheckConnectionsEveryMs: 50 });
		const laptop = await browser(ADA, 'Laptop');
		const laptopSync = await connect(laptop, 'ada', 'project/p1');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(laptopSync.closes).toEqual([]);

		clock.advance(7 * DAY);
		await closedUnauthenticated(laptopSync);
	});
});
