/**
 * A server process for the throughput benchmark: `validated` runs the console's server with a
 * project of `members` people (10 admins, the rest Consumers) and a benchmark-only authenticator
 * (a cookie naming the account; this file is never part of the product); `relay` runs the plain
 * relay baseline seeded with the same members. Prints `{ "url": ... }` once listening, and its CPU
 * time used so far (`{ "cpuMs": ... }`) for every line it reads on stdin.
 */
import type { IncomingMessage } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { createBenchProject, memberEntry } from './project-fixture';
import { startRelay } from './relay';

const [kind = 'validated', size = '200'] = process.argv.slice(2);
const members = Number(size);
export const ADMINS = 10;

function benchAuthenticate(req: IncomingMessage) {
	const accountId = /bench-account=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
	return accountId
		? { accountId, name: accountId, email: `${accountId}@office.example.org`, sessionId: accountId }
		: null;
}

if (kind === 'relay') {
	const { url } = await startRelay((doc) => {
		const map = doc.getMap('members');
		for (let index = 0; index < members; index++) {
			const id = index < ADMINS ? `admin${index || ''}` : `m${index}`;
			map.set(id, memberEntry(id, index < ADMINS ? 'admin' : 'consumer'));
		}
	});
	process.stdout.write(`${JSON.stringify({ url })}\n`);
} else {
	const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
	const app = createApp(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), {
		// Signed in by a cookie naming the account, for as long as the benchmark runs.
		sessions: { authenticate: benchAuthenticate, isCurrent: () => true },
		// The benchmark's writers send bursts on purpose; the limit under test is the server's speed.
		syncLimits: { messagesPerSecond: 100_000, messageBurst: 100_000 }
	});
	createBenchProject(app.db, app.registry, members, ADMINS);
	const url = await app.listen();
	process.stdout.write(`${JSON.stringify({ url })}\n`);
}

createInterface({ input: process.stdin }).on('line', () => {
	const { user, system } = process.cpuUsage();
	process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
});
