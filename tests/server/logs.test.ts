/**
 * The server's logs (server/observability/log.ts): every request under an id, which its answer
 * carries too; sync lines that name their document; and no secret in a production log, checked
 * on the real server process through a whole sign-in and invitation.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/shared';
import { DEMO_ADMIN_EMAIL, seedDemo } from '../../server/bootstrap/demo';
import { createTestAccount } from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import { captureLog, type CapturedLog } from '../support/log';
import { startServer, type TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { SyncClient, queuedInvite, rawSocket, setUpProject, syncMessage } from '../support/sync';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a production server in this process', () => {
	let server: TestServer;
	let logged: CapturedLog;
	afterEach(() => server.close());

	async function start(): Promise<void> {
		logged = captureLog('json', 'debug');
		server = await startServer({}, { NODE_ENV: 'production' }, { log: logged.log });
	}
	const requestLines = () => logged.entries().filter((entry) => entry.msg === 'request');

	it('gives every request an id, answers with it, and logs the answer under it', async () => {
		await start();
		const fresh = await fetch(`${server.url}/api/health`);
		const id = fresh.headers.get('x-request-id')!;
		expect(id).toMatch(UUID);
		await eventually(() => requestLines().length === 1, 'the request to be logged');
		expect(requestLines()[0]).toMatchObject({
			level: 'info',
			requestId: id,
			method: 'GET',
			path: '/api/health',
			status: 200
		});

		const named = await fetch(`${server.url}/api/health?x=1`, {
			headers: { 'X-Request-Id': 'proxy-7f3a:42' }
		});
		expect(named.headers.get('x-request-id')).toBe('proxy-7f3a:42');
		await eventually(() => requestLines().length === 2, 'the second request to be logged');
		// The path without its query: a query may carry a token.
		expect(requestLines()[1]).toMatchObject({ requestId: 'proxy-7f3a:42', path: '/api/health' });

		for (const insane of ['x'.repeat(129), 'two words', '"quoted"', '']) {
			const replaced = await fetch(`${server.url}/api/health`, {
				headers: { 'X-Request-Id': insane }
			});
			expect(replaced.headers.get('x-request-id')).toMatch(UUID);
		}
	});

	it('names the document, the account and the upgrade’s request id on sync lines', async () => {
		await start();
		setUpProject(server, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
		const socket = rawSocket(server, 'ada', 'project/p1');
		const [upgrade] = (await once(socket.ws, 'upgrade')) as [{ headers: Record<string, string> }];
		const requestId = upgrade.headers['x-request-id'];
		expect(requestId).toMatch(UUID);
		await socket.opened;
		socket.ws.send(syncMessage(new Uint8Array([1, 2, 3, 250, 251, 252])));
		expect((await socket.closed).code).toBe(4400);

		const closed = logged
			.entries()
			.find((entry) => entry.msg === 'sync connection closed by the server');
		expect(closed).toMatchObject({
			requestId,
			document: 'project/p1',
			accountId: 'ada',
			code: 4400
		});
		const warned = logged.entries().filter((entry) => entry.level === 'warn');
		expect(warned.length).toBeGreaterThan(0);
		for (const line of warned) expect(line).toMatchObject({ requestId, document: 'project/p1' });
	});

	it('never writes the link of a message kept in the local outbox', async () => {
		await start();
		await createTestAccount(server, { email: 'ada@library.example.edu' });
		await new TestClient(server).post('/api/auth/link', { email: 'ada@library.example.edu' });
		const kept = await eventually(
			() =>
				logged
					.entries()
					.find((entry) => entry.msg === 'mail kept in the local outbox (no SMTP_URL)'),
			'the message to be kept'
		);
		expect(kept).toMatchObject({ to: 'ada@library.example.edu', secretLinks: '[redacted]' });
		expect(logged.text()).not.toContain('token=');
	});
});

describe('the production server process through a sign-in and an invitation', () => {
	let smtp: TestSmtpServer;
	let dataDir: string;
	let stop: () => Promise<void>;
	afterEach(async () => {
		await stop();
		await smtp.stop();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('logs JSON lines with request ids, and none of the tokens, cookies or passwords', async () => {
		smtp = await startSmtpServer();
		dataDir = mkdtempSync(join(tmpdir(), 'console-logs-'));
		// A production console starts empty; the demo consortium is set up beforehand, as an
		// operator sets theirs up with the admin command.
		const setup = await startServer({ dataDir });
		seedDemo(setup.app.authDb, setup.app.registry, setup.app.site);
		await setup.close();
		const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
			env: {
				...process.env,
				NODE_ENV: 'production',
				LOG_LEVEL: 'debug',
				HOST: '127.0.0.1',
				PORT: '0',
				DATA_DIR: dataDir,
				SMTP_URL: smtp.url
			}
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		stop = async () => {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await once(child, 'exit');
		};
		const lines = () =>
			stdout
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => JSON.parse(line) as Record<string, unknown>);
		const url = await eventually(
			() => lines().find((line) => typeof line.url === 'string')?.url as string | undefined,
			'the server to listen',
			30_000
		);
		const server = { url, origin: new URL(url).origin } as TestServer;
		const secrets: string[] = [];
		const keepCookies = (client: TestClient) => secrets.push(...client.cookies.values());

		// The demo admin signs in with an emailed link.
		const admin = new TestClient(server);
		expect((await admin.post('/api/auth/link', { email: DEMO_ADMIN_EMAIL })).status).toBe(202);
		const signInToken = tokenFromLink(
			extractLink(await smtp.nextMessageTo(DEMO_ADMIN_EMAIL), '/sign-in/link')
		);
		secrets.push(signInToken);
		expect((await admin.post('/api/auth/link/consume', { token: signInToken })).status).toBe(200);
		keepCookies(admin);
		const adminId = (await admin.get('/api/auth/session')).body.account.id as string;

		// She invites a newcomer through the project document, as the console does.
		const cookie = [...admin.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
		const project = new SyncClient(server, adminId, 'project/northern-lights', undefined, {
			cookie
		});
		try {
			await project.synced();
			const newcomerEmail = 'new.person@office.northernlights.example';
			const invite = { ...queuedInvite(newId(), adminId, newcomerEmail), zoneId: 'nl-office' };
			project.map('invites').set(invite.id, invite);
			const inviteToken = tokenFromLink(
				extractLink(await smtp.nextMessageTo(newcomerEmail), '/invite')
			);
			secrets.push(inviteToken);

			// The newcomer accepts with a password, then signs in with it.
			const password = 'correct horse battery staple';
			secrets.push(password);
			const newcomer = new TestClient(server);
			expect((await newcomer.post('/api/invites/preview', { token: inviteToken })).status).toBe(
				200
			);
			const accepted = await newcomer.post('/api/invites/accept', {
				token: inviteToken,
				name: 'New Person',
				password
			});
			expect(accepted.status).toBe(200);
			keepCookies(newcomer);
			secrets.push(
				tokenFromLink(extractLink(await smtp.nextMessageTo(newcomerEmail), '/sign-in/link'))
			);
			expect((await newcomer.post('/api/auth/sign-out')).status).toBe(204);
			const again = await newcomer.post('/api/auth/password', { email: newcomerEmail, password });
			expect(again.status).toBe(200);
			keepCookies(newcomer);
		} finally {
			project.destroy();
		}
		await stop();
		if (process.env.SHOW_LOG) process.stdout.write(stdout);

		expect(stderr).toBe('');
		const written = lines();
		const requests = written.filter((line) => line.msg === 'request');
		expect(requests.length).toBeGreaterThanOrEqual(7);
		for (const line of requests) expect(line.requestId).toEqual(expect.any(String));
		expect(written.some((line) => line.document === 'project/northern-lights')).toBe(true);

		expect(secrets.length).toBeGreaterThanOrEqual(7);
		for (const secret of new Set(secrets)) expect(stdout).not.toContain(secret);
		expect(stdout).not.toContain('token=');
		expect(stdout).not.toContain('/sign-in/link');
	}, 60_000);
});
