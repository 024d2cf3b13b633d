/**
 * `npm run bench:sync`: the sync server's figures, written to docs/performance.md.
 *
 * 1. Cost of validating and applying a one-member change in documents of 500 and 50,000 members
 *    (in process, the real pipeline with SQLite persistence); the target is a ratio of at most 1.5.
 * 2. Throughput and author-to-other-client latency with 200 clients connected to one project
 *    document, for the validated server and for a plain relay baseline, in the same run; the target
 *    is at least half the baseline's throughput.
 * 3. Server memory for one open 10,000-member document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { projectDirectory } from '../../server/consortium/directory';
import { openDatabase } from '../../server/db/database';
import { DEFAULT_SYNC_LIMITS } from '../../server/sync/limits';
import type { Peer } from '../../server/sync/live-document';
import { sqliteDocumentStore } from '../../server/sync/persistence';
import { DocumentRegistry } from '../../server/sync/registry';
import { workflowIndexes } from '../../server/workflows';
import type { Member } from '../../src/lib/shared';
import { createBenchProject } from './project-fixture';
import { machine, median, percentile, writeSection } from './report';

// Every y-websocket provider in Node listens for the process's exit.
process.setMaxListeners(0);

const CLIENTS = 200;
const WRITERS = 10;
const BURST_CHANGES = 2000;
const PACED_RATE = 100;
const PACED_SECONDS = 10;

// ---- 1. validation cost ------------------------------------------------------------------------

interface ValidationFigures {
	size: number;
	acceptedMs: number;
	acceptedP90Ms: number;
	refusedMs: number;
}

/** A connection that hears nothing: the benchmark measures the validating step alone. */
function benchPeer(accountId: string): Peer {
	return { accountId, send: () => undefined, close: () => undefined };
}

function measureValidation(size: number, iterations = 400, warmup = 100): ValidationFigures {
	const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bench-validate-')), 'bench.sqlite'));
	const registry = new DocumentRegistry(sqliteDocumentStore(db), projectDirectory(db));
	registry.use(workflowIndexes(db, Date.now));
	createBenchProject(db, registry, size);
	const document = registry.acquire('project/bench')!;
	const time = (author: string, edit: (members: Y.Map<Member>) => void, client: Y.Doc): number => {
		let update: Uint8Array | null = null;
		const capture = (u: Uint8Array) => (update = u);
		client.on('update', capture);
		edit(client.getMap<Member>('members'));
		client.off('update', capture);
		const start = performance.now();
		const outcome = document.receive(benchPeer(author), update!, { limits: DEFAULT_SYNC_LIMITS });
		const elapsed = performance.now() - start;
		if (outcome.kind !== 'applied') throw new Error('benchmark update was not applied');
		return elapsed;
	};
	const copy = () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(document.doc));
		return doc;
	};
	const admin = copy();
	const accepted: number[] = [];
	for (let index = 0; index < warmup + iterations; index++) {
		const key = `m${1 + (index % (size - 1))}`;
		const sample = time(
			'admin',
			(members) => {
				const current = members.get(key)!;
				members.set(key, {
					...current,
					role: current.role === 'consumer' ? 'analyst' : 'consumer',
					updatedBy: 'admin',
					updatedAt: index
				});
			},
			admin
		);
		if (index >= warmup) accepted.push(sample);
	}
	// A Consumer trying to promote themselves: judged, reverted and scrubbed.
	const consumer = copy();
	Y.applyUpdate(consumer, Y.encodeStateAsUpdate(document.doc));
	const refused: number[] = [];
	for (let index = 0; index < warmup + iterations; index++) {
		Y.applyUpdate(consumer, Y.encodeStateAsUpdate(document.doc, Y.encodeStateVector(consumer)));
		const sample = time(
			'm1',
			(members) =>
				members.set('m1', {
					...members.get('m1')!,
					role: 'admin',
					updatedBy: 'm1',
					updatedAt: index
				}),
			consumer
		);
		if (index >= warmup) refused.push(sample);
	}
	registry.release(document);
	registry.close();
	db.close();
	return {
		size,
		acceptedMs: median(accepted),
		acceptedP90Ms: percentile(accepted, 90),
		refusedMs: median(refused)
	};
}

// ---- 2. throughput and latency ---------------------------------------------------------------

interface LoadFigures {
	throughput: number;
	p50Ms: number;
	p99Ms: number;
	/** Server CPU time per change during the saturation run. */
	cpuMsPerChange: number;
}

interface ServerProcess {
	child: ChildProcess;
	url: string;
	cpuMs(): Promise<number>;
}

async function startServerProcess(kind: 'validated' | 'relay'): Promise<ServerProcess> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'scripts/bench/bench-server.ts', kind, String(CLIENTS)],
		{
			stdio: ['pipe', 'pipe', 'inherit']
		}
	);
	const lines = createInterface({ input: child.stdout! });
	const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
	const { url } = JSON.parse(await nextLine()) as { url: string };
	return {
		child,
		url,
		async cpuMs() {
			const reply = nextLine();
			child.stdin!.write('cpu\n');
			return (JSON.parse(await reply) as { cpuMs: number }).cpuMs;
		}
	};
}

function socketClass(accountId: string, origin: string): typeof globalThis.WebSocket {
	return class extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols, { headers: { cookie: `bench-account=${accountId}` }, origin });
		}
	} as unknown as typeof globalThis.WebSocket;
}

async function measureLoad(kind: 'validated' | 'relay'): Promise<LoadFigures> {
	const server = await startServerProcess(kind);
	const { child, url } = server;
	const origin = new URL(url).origin;
	const wsUrl = `${url.replace(/^http/, 'ws')}/sync`;
	const provider = (accountId: string) =>
		new WebsocketProvider(wsUrl, 'project/bench', new Y.Doc(), {
			WebSocketPolyfill: socketClass(accountId, origin),
			disableBc: true
		});
	const writers = Array.from({ length: WRITERS }, (_, index) => provider(`admin${index || ''}`));
	const observer = provider(`m${WRITERS}`);
	const passive: WebSocket[] = [];
	for (let index = WRITERS + 1; index < CLIENTS; index++) {
		const socket = new WebSocket(`${wsUrl}/project/bench`, {
			headers: { cookie: `bench-account=m${index}` },
			origin
		});
		socket.on('open', () => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, new Y.Doc());
			socket.send(encoding.toUint8Array(encoder));
		});
		passive.push(socket);
	}
	await until(
		() =>
			[...writers, observer].every((p) => p.synced) &&
			passive.every((s) => s.readyState === WebSocket.OPEN)
	);

	const sentAt = new Map<number, number>();
	const latencies: number[] = [];
	observer.doc.getMap<Member>('members').observe((event) => {
		const now = performance.now();
		for (const key of event.keysChanged) {
			const seq = observer.doc.getMap<Member>('members').get(key)?.updatedAt;
			const sent = seq === undefined ? undefined : sentAt.get(seq);
			if (sent !== undefined) {
				latencies.push(now - sent);
				sentAt.delete(seq!);
			}
		}
	});
	let seq = 0;
	const change = (writerIndex: number, step: number) => {
		const writer = writers[writerIndex]!;
		const key = `m${WRITERS + 1 + ((writerIndex * 18 + (step % 18)) % (CLIENTS - WRITERS - 1))}`;
		const members = writer.doc.getMap<Member>('members');
		const current = members.get(key)!;
		const stamp = ++seq;
		sentAt.set(stamp, performance.now());
		members.set(key, {
			...current,
			role: current.role === 'consumer' ? 'analyst' : 'consumer',
			updatedBy: `admin${writerIndex || ''}`,
			updatedAt: stamp
		});
	};

	// Saturation: every writer sends its share at once; the time until the observer saw them all.
	const cpuBefore = await server.cpuMs();
	const start = performance.now();
	for (let step = 0; step < BURST_CHANGES / WRITERS; step++)
		for (let w = 0; w < WRITERS; w++) change(w, step);
	await until(() => latencies.length >= BURST_CHANGES, 120_000);
	const throughput = BURST_CHANGES / ((performance.now() - start) / 1000);
	const cpuMsPerChange = ((await server.cpuMs()) - cpuBefore) / BURST_CHANGES;

	// Paced: a steady rate well below saturation, for the latency a person sees.
	latencies.length = 0;
	const total = PACED_RATE * PACED_SECONDS;
	for (let index = 0; index < total; index++) {
		change(index % WRITERS, index);
		await sleep(1000 / PACED_RATE);
	}
	await until(() => latencies.length >= total, 60_000);

	for (const p of [...writers, observer]) p.destroy();
	for (const socket of passive) socket.close();
	child.kill();
	return {
		throughput,
		p50Ms: percentile(latencies, 50),
		p99Ms: percentile(latencies, 99),
		cpuMsPerChange
	};
}

// ---- 3. memory -----------------------------------------------------------------------------

async function measureMemory(size: number): Promise<{ heapBytes: number; rssBytes: number }> {
	const child = spawn(
		process.execPath,
		['--expose-gc', '--import', 'tsx', 'scripts/bench/memory.ts', String(size)],
		{
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	const line = await new Promise<string>((resolve) =>
		createInterface({ input: child.stdout! }).once('line', resolve)
	);
	return JSON.parse(line) as { heapBytes: number; rssBytes: number };
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error('benchmark timed out');
		await sleep(5);
	}
}

// ---- run -------------------------------------------------------------------------------------

const ms = (value: number) => `${value.toFixed(3)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

console.log('validation cost...');
const small = measureValidation(500);
const large = measureValidation(50_000);
const ratio = large.acceptedMs / small.acceptedMs;
console.log('throughput and latency (relay baseline, then validated)...');
const relay = await measureLoad('relay');
const validated = await measureLoad('validated');
const share = validated.throughput / relay.throughput;
console.log('memory...');
const memory = await measureMemory(10_000);

writeSection(
	'sync',
	`## Sync server (\`npm run bench:sync\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.

### Validating and applying a one-member change

The whole \`LiveDocument.receive\` step: structural inspection, apply, judge, persist (SQLite, WAL),
broadcast (no connections) and the listeners that run inside it (the audit log row, the membership
index), median of 400 changes after 100 warm-up ones.

| Members in the document | Accepted change (median) | Accepted (p90) | Refused change, reverted and scrubbed (median) |
|---|---|---|---|
| ${small.size.toLocaleString('en')} | ${ms(small.acceptedMs)} | ${ms(small.acceptedP90Ms)} | ${ms(small.refusedMs)} |
| ${large.size.toLocaleString('en')} | ${ms(large.acceptedMs)} | ${ms(large.acceptedP90Ms)} | ${ms(large.refusedMs)} |

Ratio 50,000 / 500 (accepted, median): **${ratio.toFixed(2)}** (target: at most 1.5) — ${ratio <= 1.5 ? 'met' : 'NOT met'}.

### 200 clients on one project document

${WRITERS} admins write, 1 client measures, ${CLIENTS - WRITERS - 1} more are connected and receive every update. Server
and baseline each run in a process of their own; the clients share the benchmark's process.
Throughput: ${BURST_CHANGES} role changes sent at once, until the measuring client has seen all of them.
Latency: author to the measuring client, at a steady ${PACED_RATE} changes per second for ${PACED_SECONDS} s.

| Server | Throughput | Latency p50 | Latency p99 | Server CPU per change (incl. fan-out to 200) |
|---|---|---|---|---|
| plain relay (no auth, no validation, no persistence) | ${relay.throughput.toFixed(0)} changes/s | ${ms(relay.p50Ms)} | ${ms(relay.p99Ms)} | ${ms(relay.cpuMsPerChange)} |
| validated (this server, SQLite persistence) | ${validated.throughput.toFixed(0)} changes/s | ${ms(validated.p50Ms)} | ${ms(validated.p99Ms)} | ${ms(validated.cpuMsPerChange)} |

Validated / baseline throughput: **${share.toFixed(2)}** (target: at least 0.5) — ${share >= 0.5 ? 'met' : 'NOT met'}.
Validated / baseline server CPU per change: **${(validated.cpuMsPerChange / relay.cpuMsPerChange).toFixed(2)}**.
On this two-core machine the clients' side (200 sockets in one process) shares the cores with the
server, so throughput is bounded by both; the CPU per change is the server's own cost.

### Memory

One open 10,000-member project document: ${mb(memory.heapBytes)} of heap, ${mb(memory.rssBytes)} of RSS
(after loading it from SQLite, minus before, after garbage collection).
`
);
process.exit(0);
