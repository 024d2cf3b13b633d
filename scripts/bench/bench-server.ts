/**
 * A server process for the throughput benchmark. `validated` runs the console's server as
 * `npm start` would (createApp, default configuration and sync limits, a fresh data directory)
 * with a project of `members` people (10 admins, the rest Consumers), each a real account signed
 * in with a real session; `relay` runs the plain relay baseline seeded with the same members.
 *
 * Prints one line `{ "url": ..., "cookies": { accountId: cookie } }` once listening (no cookies
 * for the relay, which checks nobody), then its CPU time used so far (`{ "cpuMs": ... }`) for
 * every line it reads on stdin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/observability/log';
import { readConfig } from '../../server/config';
import { benchAccountId, createBenchProject, memberEntry } from './project-fixture';
import { startRelay } from './relay';

const [kind = 'validated', size = '200'] = process.argv.slice(2);
const members = Number(size);
const ADMINS = 10;
const accountIds = Array.from({ length: members }, (_, index) => benchAccountId(index, ADMINS));

async function startValidated(): Promise<{ url: string; cookies: Record<string, string> }> {
	const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
	// Standard output carries the benchmark's protocol: the server's warnings go to standard error.
	const app = createApp(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), {
		log: createLogger({ level: 'warn', format: 'readable' }, process.stderr)
	});
	// The benchmark ends this process with SIGTERM once a run is over.
	process.once('SIGTERM', () => {
		rmSync(dataDir, { recursive: true, force: true });
		process.exit(0);
	});
	// Accounts and sessions are written straight into the database: signing in over HTTP is not
	// what is measured, but every connection is checked against its session as in production.
	const tokens = accountIds.map((accountId) => {
		const { name, email } = memberEntry(accountId, 'consumer');
		if (!createAccount(app.authDb, { id: accountId, name, email }).ok)
			throw new Error(`account ${accountId} exists already`);
		return createSession(app.authDb, accountId, { ip: '127.0.0.1', userAgent: 'bench:sync' }).token;
	});
	createBenchProject(app.db, app.registry, members, { admins: ADMINS });
	const url = await app.listen();
	const cookie = sessionCookieName(app.site);
	return {
		url,
		cookies: Object.fromEntries(
			accountIds.map((accountId, index) => [accountId, `${cookie}=${tokens[index]}`])
		)
	};
}

async function startBaseline(): Promise<{ url: string; cookies: Record<string, string> }> {
	const { url } = await startRelay((doc) => {
		const map = doc.getMap('members');
		accountIds.forEach((accountId, index) =>
			map.set(accountId, memberEntry(accountId, index < ADMINS ? 'admin' : 'consumer'))
		);
	});
	return { url, cookies: {} };
}

const started = kind === 'relay' ? await startBaseline() : await startValidated();
process.stdout.write(`${JSON.stringify(started)}\n`);

createInterface({ input: process.stdin }).on('line', () => {
	const { user, system } = process.cpuUsage();
	process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
});
