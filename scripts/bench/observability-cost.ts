/**
 * What the logs and metrics cost a change (docs/operations.md, Logs and metrics). A quick check,
 * not a timed test: `npx tsx scripts/bench/observability-cost.ts`.
 *
 * 1. In process: the calls a message of changes makes on the hot path (its validation time, its
 *    append's time, its verdict), with the metrics kept and with `UNMEASURED`, in ns per message.
 * 2. Over sockets: a server process with metrics (METRICS_TOKEN) and one without, measured in
 *    alternating rounds: one admin changes a member's role `CHANGES` times, one at a time, in a
 *    500-member project that `LISTENERS` more connections follow; the server's CPU time per
 *    change, median of the rounds.
 *
 * Before and after: `npx tsx scripts/bench/observability-cost.ts <older checkout>` measures a
 * third server, the older checkout's, in the same rounds (copy this script into its
 * scripts/bench/ first: its server mode uses only what every version of the server has).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import type { Member } from '../../src/lib/shared';
import { benchAccountId, createBenchProject } from './project-fixture';
import { median } from './stats';

const MEMBERS = 500;
const LISTENERS = 50;
const CHANGES = 300;
const ROUNDS = 4;
const CALLS = 2_000_000;

type Side = 'metrics' | 'none' | 'before';

if (process.argv[2] === 'serve') await serve(process.argv[3] === 'metrics');
else await measure(process.argv[2] ?? null);

async function measure(before: string | null): Promise<void> {
	// Imported here: the server mode runs on older checkouts, which have no metrics.
	const { createMetrics, UNMEASURED } = await import('../../server/observability/metrics');
	type Metrics = typeof UNMEASURED;
	const perCall = (metrics: Metrics) => {
		const accepted = { kind: 'applied' as const, accepted: 1, rejected: [] };
		const start = performance.now();
		for (let index = 0; index < CALLS; index++) {
			metrics.validated(0.0004);
			metrics.stored('append', 0.0001);
			metrics.messageJudged(accepted);
		}
		return ((performance.now() - start) * 1e6) / CALLS;
	};
	const kept = createMetrics();
	perCall(kept);
	perCall(UNMEASURED);
	console.log(
		`in process, per message: ${perCall(kept).toFixed(0)} ns with metrics, ${perCall(UNMEASURED).toFixed(0)} ns unmeasured`
	);
	const heapBefore = process.memoryUsage().heapUsed;
	let collections = 0;
	const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
	observer.observe({ entryTypes: ['gc'] });
	perCall(kept);
	await new Promise((resolve) => setImmediate(resolve));
	observer.disconnect();
	const grown = process.memoryUsage().heapUsed - heapBefore;
	console.log(
		`heap growth over ${CALLS} messages with metrics: ${grown} bytes, ${collections} collections`
	);

	const order: Side[] = before ? ['metrics', 'none', 'before'] : ['metrics', 'none'];
	const sides: Record<Side, number[]> = { metrics: [], none: [], before: [] };
	for (let round = 0; round < ROUNDS; round++) {
		for (const side of round % 2 === 0 ? order : [...order].reverse())
			sides[side].push(await serverCpuPerChange(side, before));
	}
	for (const side of order) {
		const figures = sides[side].map((value) => value.toFixed(3)).join(', ');
		console.log(
			`server CPU per change, ${side}: ${figures} ms (median ${median(sides[side]).toFixed(3)})`
		);
	}
	const ratio = (side: Side) => (median(sides[side]) / median(sides.none)).toFixed(3);
	console.log(`metrics / none: ${ratio('metrics')}`);
	if (before) console.log(`before / none: ${ratio('before')}`);
}

/** One round against a server process of its own: its CPU milliseconds per change. */
async function serverCpuPerChange(side: Side, before: string | null): Promise<number> {
	const script =
		side === 'before' ? `${before}/scripts/bench/observability-cost.ts` : import.meta.filename;
	const child = spawn(
		process.execPath,
		['--import', 'tsx', script, 'serve', side === 'metrics' ? 'metrics' : 'none'],
		{ stdio: ['pipe', 'pipe', 'inherit'], cwd: side === 'before' ? before! : process.cwd() }
	);
	// Only the protocol's lines start with `{`: a server's readable log lines do not.
	const lines = createInterface({ input: child.stdout! });
	const replies: string[] = [];
	const waiting: Array<(line: string) => void> = [];
	lines.on('line', (line) => {
		if (!line.startsWith('{')) return;
		const waiter = waiting.shift();
		if (waiter) waiter(line);
		else replies.push(line);
	});
	const next = () =>
		new Promise<string>((resolve) => {
			const line = replies.shift();
			if (line) resolve(line);
			else waiting.push(resolve);
		});
	const { url, cookies } = JSON.parse(await next()) as {
		url: string;
		cookies: Record<string, string>;
	};
	const cpuMs = async () => {
		child.stdin!.write('cpu\n');
		return (JSON.parse(await next()) as { cpuMs: number }).cpuMs;
	};
	const origin = new URL(url).origin;
	const socketTo = (accountId: string) =>
		new WebSocket(`${url.replace(/^http/, 'ws')}/sync/project%2Fbench`, {
			headers: { cookie: cookies[accountId]! },
			origin
		});

	const listeners = Array.from({ length: LISTENERS }, (_, index) => socketTo(`m${index + 1}`));
	const admin = socketTo('admin');
	const doc = new Y.Doc();
	let seen = 0;
	admin.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		if (decoding.readVarUint(decoder) !== 0) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.readSyncMessage(decoder, encoder, doc, 'server');
		if (encoding.length(encoder) > 1) admin.send(encoding.toUint8Array(encoder));
		seen += 1;
	});
	doc.on('update', (update: Uint8Array, from: unknown) => {
		if (from === 'server') return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeUpdate(encoder, update);
		admin.send(encoding.toUint8Array(encoder));
	});
	try {
		await Promise.all(
			[...listeners, admin].map((socket) => new Promise((resolve) => socket.once('open', resolve)))
		);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, doc);
		admin.send(encoding.toUint8Array(encoder));
		return await timeChanges(doc, () => seen, cpuMs);
	} finally {
		for (const socket of [...listeners, admin]) socket.terminate();
		child.kill();
	}
}

/** The server's CPU milliseconds per change, after a warm-up. */
async function timeChanges(
	doc: Y.Doc,
	seen: () => number,
	cpuMs: () => Promise<number>
): Promise<number> {
	const members = doc.getMap<Member>('members');
	await until(() => members.size === MEMBERS, 'the project document');

	const change = async (step: number) => {
		const key = `m${1 + (step % (MEMBERS - 1))}`;
		const current = members.get(key)!;
		const before = seen();
		members.set(key, {
			...current,
			role: current.role === 'consumer' ? 'analyst' : 'consumer',
			updatedBy: 'admin',
			updatedAt: step
		});
		// The server broadcasts the accepted update to its author too.
		await until(() => seen() > before, `change ${step}`);
	};
	for (let step = 1; step <= 30; step++) await change(step);
	const before = await cpuMs();
	for (let step = 31; step < 31 + CHANGES; step++) await change(step);
	return ((await cpuMs()) - before) / CHANGES;
}

/** A server with a 500-member project, its people signed in; prints its URL and their cookies. */
async function serve(withMetrics: boolean): Promise<void> {
	const dataDir = mkdtempSync(join(tmpdir(), 'bench-observability-'));
	const app = createApp(
		readConfig({
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'warn',
			...(withMetrics ? { METRICS_TOKEN: 'a-token-for-the-benchmark-of-32-characters' } : {})
		}),
		// One writer sends as fast as the server answers: above the default 50 messages a second.
		{ syncLimits: { messagesPerSecond: 100_000, messageBurst: 100_000 } }
	);
	process.once('SIGTERM', () => {
		rmSync(dataDir, { recursive: true, force: true });
		process.exit(0);
	});
	const people = Array.from({ length: LISTENERS + 1 }, (_, index) => benchAccountId(index));
	const tokens = people.map((accountId) => {
		createAccount(app.authDb, {
			id: accountId,
			name: accountId,
			email: `${accountId}@office.example.org`
		});
		return createSession(app.authDb, accountId, { ip: '127.0.0.1', userAgent: 'bench' }).token;
	});
	createBenchProject(app.db, app.registry, MEMBERS);
	const url = await app.listen();
	const cookie = sessionCookieName(app.site);
	const cookies = Object.fromEntries(
		people.map((accountId, index) => [accountId, `${cookie}=${tokens[index]}`])
	);
	process.stdout.write(`${JSON.stringify({ url, cookies })}\n`);
	createInterface({ input: process.stdin }).on('line', () => {
		const { user, system } = process.cpuUsage();
		process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
	});
}

async function until(condition: () => boolean, what: string): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > 30_000) throw new Error(`the benchmark timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 1));
	}
}
