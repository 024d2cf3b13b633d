/**
 * One sync server in a process of its own, so that the clients' work is not counted as the
 * server's: `npx tsx scripts/bench/sync-server-process.ts <kind> <data directory> [members]`.
 *
 * - `prepare`: writes a console data directory: a project of `members` people (`ADMINS` admins,
 *   the rest Consumers), an account and a session for each of the first `accounts` of them, made
 *   with the console's own functions; the sessions' tokens go into `sessions.json` beside it.
 *   `accounts` must be at least `ADMINS`.
 * - `console`: the console as `npm start` runs it (createApp with the default configuration,
 *   every extension, default sync limits) on such a data directory.
 * - `hocuspocus`: Hocuspocus 3 with its SQLite extension (a database file in the directory),
 *   seeded with the same members when the document is first loaded.
 * - `y-websocket`: @y/websocket-server 0.1.1 with its LevelDB persistence (y-leveldb, in the
 *   directory), seeded likewise.
 *
 * Replies on lines that start with `REPLY_PREFIX`: `{ url, cookies }` once listening, then for each
 * `memory` line it reads, `{ heapBytes, rssBytes }` after garbage collection; `watch-loop` starts
 * timing how long the event loop stays busy at a time, `longest-block` answers the longest since;
 * `profile-start` and `profile-stop <file>` write a CPU profile of what happened in between.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { createLogger } from '../../server/observability/log';
import { projectDirectory } from '../../server/consortium/project-directory';
import { openConsoleDatabase } from '../../server/schema';
import { sqliteDocumentStore } from '../../server/sync/persistence';
import { DocumentRegistry } from '../../server/sync/registry';
import { projectDocument } from '../../src/lib/shared';
import {
	ADMINS,
	BENCH_DOCUMENT,
	REPLY_PREFIX,
	benchAccountId,
	createBenchProject,
	memberEntry
} from './project-fixture';

const [kind, dataDir, size = '10000', accountCount = '0'] = process.argv.slice(2);
if (!kind || !dataDir) throw new Error('usage: sync-server-process.ts <kind> <data directory>');
const members = Number(size);

function fillMembers(doc: Y.Doc): void {
	const map = doc.getMap('members');
	if (map.size > 0) return;
	doc.transact(() => {
		for (let index = 0; index < members; index++) {
			const accountId = benchAccountId(index, ADMINS);
			map.set(accountId, memberEntry(accountId, index < ADMINS ? 'admin' : 'consumer'));
		}
	});
}

function consoleConfig() {
	return readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir! });
}

async function prepare(): Promise<void> {
	const app = createApp(consoleConfig());
	const tokens: Record<string, string> = {};
	for (let index = 0; index < Number(accountCount); index++) {
		const accountId = benchAccountId(index, ADMINS);
		const { name, email } = memberEntry(accountId, 'consumer');
		if (!createAccount(app.authDb, { id: accountId, name, email }).ok)
			throw new Error(`account ${accountId} exists already`);
		tokens[accountId] = createSession(app.authDb, accountId, {
			ip: '127.0.0.1',
			userAgent: 'bench:sync'
		}).token;
	}
	// The signed-in members join through every extension (their user documents, the indexes);
	// the rest are written without them, as an import of old data would be, because projecting
	// 100,000 people into user documents would take the benchmark's whole time budget.
	const signedIn = Math.min(members, Number(accountCount));
	createBenchProject(app.db, app.registry, signedIn, { admins: ADMINS });
	await app.close();
	const db = openConsoleDatabase(consoleConfig().databasePath);
	const registry = new DocumentRegistry(sqliteDocumentStore(db), projectDirectory(db), {
		log: createLogger({ level: 'warn', format: 'readable' }, process.stderr)
	});
	registry.change(projectDocument('bench'), (roots) => {
		for (let index = signedIn; index < members; index++) {
			const accountId = benchAccountId(index, ADMINS);
			roots.members.set(accountId, memberEntry(accountId, index < ADMINS ? 'admin' : 'consumer'));
		}
	});
	registry.close();
	db.close();
	// The first start after such an import brings the SQL indexes in step with the document (the
	// load checks of the extensions), once: a cold load is a later start's, on indexes in step.
	const indexed = createApp(consoleConfig());
	indexed.registry.read(projectDocument('bench'), () => undefined);
	await indexed.close();
	writeFileSync(join(dataDir!, 'sessions.json'), JSON.stringify(tokens));
}

async function serveConsole(): Promise<{ url: string; cookies: Record<string, string> }> {
	const app = createApp(consoleConfig());
	process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
	const url = await app.listen();
	const tokens = JSON.parse(readFileSync(join(dataDir!, 'sessions.json'), 'utf8')) as Record<
		string,
		string
	>;
	const name = sessionCookieName(app.site);
	return {
		url,
		cookies: Object.fromEntries(
			Object.entries(tokens).map(([accountId, token]) => [accountId, `${name}=${token}`])
		)
	};
}

async function serveHocuspocus(): Promise<{ url: string; cookies: Record<string, string> }> {
	const { Server } = await import('@hocuspocus/server');
	const { SQLite } = await import('@hocuspocus/extension-sqlite');
	const server = new Server({
		address: '127.0.0.1',
		port: 0,
		quiet: true,
		extensions: [
			new SQLite({ database: join(dataDir!, 'hocuspocus.sqlite') }),
			// After the SQLite extension (lower priority): fills a document it found empty.
			{ priority: 1, onLoadDocument: async ({ document }) => fillMembers(document) }
		]
	});
	await server.listen();
	process.once('SIGTERM', () => void server.destroy().then(() => process.exit(0)));
	return { url: `http://127.0.0.1:${server.address.port}`, cookies: {} };
}

async function serveYWebsocket(): Promise<{ url: string; cookies: Record<string, string> }> {
	// Its LevelDB persistence (y-leveldb) is chosen by this variable, read when the module loads.
	process.env.YPERSISTENCE = join(dataDir!, 'leveldb');
	const { setupWSConnection, getYDoc } = (await import('@y/websocket-server/utils')) as {
		setupWSConnection: (socket: unknown, req: unknown, options?: { docName?: string }) => void;
		getYDoc: (name: string) => Y.Doc;
	};
	fillMembers(getYDoc(BENCH_DOCUMENT));
	const wss = new WebSocketServer({ noServer: true });
	const server = createServer((_, response) => response.end('okay'));
	server.on('upgrade', (req, socket, head) =>
		wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req))
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	process.once('SIGTERM', () => process.exit(0));
	const address = server.address() as { port: number };
	return { url: `http://127.0.0.1:${address.port}`, cookies: {} };
}

if (kind === 'prepare') {
	await prepare();
	process.exit(0);
}
const started =
	kind === 'console'
		? await serveConsole()
		: kind === 'hocuspocus'
			? await serveHocuspocus()
			: await serveYWebsocket();
reply(started);

/** The server prints lines of its own (the outbox's mail, for one): the benchmark reads only these. */
function reply(value: object): void {
	process.stdout.write(`${REPLY_PREFIX}${JSON.stringify(value)}\n`);
}

const gc = (globalThis as { gc?: () => void }).gc;
/** How long the event loop was kept busy at a time: the longest anyone else had to wait. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
/** `profile-start`, then `profile-stop <file>`: a CPU profile of the main thread in between. */
const profiler = new Session();
profiler.connect();
createInterface({ input: process.stdin }).on('line', (line) => {
	if (line === 'memory') {
		for (let round = 0; round < 3; round++) gc?.();
		const { heapUsed, rss } = process.memoryUsage();
		reply({ heapBytes: heapUsed, rssBytes: rss });
	} else if (line === 'watch-loop') {
		loopDelay.reset();
		loopDelay.enable();
		reply({});
	} else if (line === 'longest-block') {
		loopDelay.disable();
		reply({ longestBlockMs: loopDelay.max / 1e6 });
	} else if (line === 'profile-start') {
		profiler.post('Profiler.enable', () => profiler.post('Profiler.start', () => reply({})));
	} else if (line.startsWith('profile-stop ')) {
		profiler.post('Profiler.stop', (error, result) => {
			if (!error) writeFileSync(line.slice('profile-stop '.length), JSON.stringify(result.profile));
			reply({});
		});
	}
});
// The benchmark's process ending ends this one too, whatever became of it.
process.stdin.on('end', () => process.exit(0));
