/**
 * The runs of `npm run bench:sync`, each against a server process of its own
 * (sync-server-process.ts): a client workload on a 10,000-member document, and the cold load of a
 * document. Every child process is stopped at the end of its run, and all of them when the
 * benchmark's process ends, however it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import {
	ADMINS,
	BENCH_DOCUMENT,
	REPLY_PREFIX,
	benchAccountId,
	memberEntry
} from './project-fixture';
import { percentile } from './stats';
import {
	hocuspocusDialect,
	Receiver,
	Writer,
	yWebsocketDialect,
	type ClientOptions,
	type Dialect
} from './sync-clients';

export type ServerKind = 'console' | 'hocuspocus' | 'y-websocket';
export const SERVER_KINDS: readonly ServerKind[] = ['console', 'hocuspocus', 'y-websocket'];
/** Admins who write; each stays under the default limit of 50 messages a second. */
export const WRITERS = ADMINS;
export const PER_WRITER_RATE = 45;

/** The kernel's clock tick (USER_HZ), 100 per second on Linux. */
const TICK_MS = 10;

const children = new Set<ChildProcess>();
const stopAll = () => children.forEach((child) => child.kill('SIGKILL'));
process.once('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.once(signal, () => {
		stopAll();
		process.exit(1);
	});

const scratch = mkdtempSync(join(tmpdir(), 'bench-sync-'));
process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));

interface ServerProcess {
	url: string;
	cookies: Record<string, string>;
	/** CPU time the process has used (/proc/<pid>/stat, in clock ticks of 10 ms). */
	cpuMs(): number;
	memory(): Promise<{ heapBytes: number; rssBytes: number }>;
	/** Starts timing the event loop's blocks (`monitorEventLoopDelay` in the server process). */
	watchLoop(): Promise<unknown>;
	/** The longest block since `watchLoop`: the longest any other connection waited. */
	longestBlock(): Promise<{ longestBlockMs: number }>;
	/** Starts a CPU profile of the server's main thread (`BENCH_CPU_PROFILE`). */
	profileStart(): Promise<unknown>;
	/** Writes the profile since `profileStart` to `file`. */
	profileStop(file: string): Promise<unknown>;
	/** Bytes the process has caused to be written to storage (/proc/<pid>/io). */
	writeBytes(): number;
	stop(): Promise<void>;
}

/**
 * `BENCH_CPU_PROFILE=<directory>`: each run writes there a CPU profile of its server over the paced
 * phase (`<kind>-<clients>-paced.cpuprofile`; open it in Chromium's DevTools), to see where that
 * phase's time goes. Off by default: profiling slows the server it measures.
 */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

function spawnServer(args: string[]): { child: ChildProcess; lines: Interface } {
	const child = spawn(
		process.execPath,
		['--expose-gc', '--import', 'tsx', 'scripts/bench/sync-server-process.ts', ...args],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	children.add(child);
	child.once('exit', () => children.delete(child));
	return { child, lines: createInterface({ input: child.stdout! }) };
}

function exited(child: ChildProcess): Promise<number | null> {
	return new Promise((resolve) => {
		if (child.exitCode !== null) resolve(child.exitCode);
		else child.once('exit', (code) => resolve(code));
	});
}

/** A console data directory of `members` people, `accounts` of them signed in. */
export async function prepareConsoleData(members: number, accounts: number): Promise<string> {
	const dir = mkdtempSync(join(scratch, `template-${members}-`));
	const { child } = spawnServer(['prepare', dir, String(members), String(accounts)]);
	if ((await exited(child)) !== 0) throw new Error(`preparing ${members} members failed`);
	return dir;
}

async function startServer(kind: ServerKind, template: string): Promise<ServerProcess> {
	const dir = mkdtempSync(join(scratch, `${kind}-`));
	if (kind === 'console') cpSync(template, dir, { recursive: true });
	const { child, lines } = spawnServer([kind, dir]);
	let awaiting: { resolve: (line: string) => void; reject: (error: Error) => void } | null = null;
	lines.on('line', (line) => {
		if (line.startsWith(REPLY_PREFIX)) awaiting?.resolve(line.slice(REPLY_PREFIX.length));
	});
	child.once('exit', () => awaiting?.reject(new Error(`the ${kind} server exited`)));
	const nextLine = () =>
		new Promise<string>((resolve, reject) => {
			awaiting = { resolve, reject };
		});
	const { url, cookies } = JSON.parse(await nextLine()) as ServerProcess;
	const ask = async <T>(command: string): Promise<T> => {
		const reply = nextLine();
		child.stdin!.write(`${command}\n`);
		return JSON.parse(await reply) as T;
	};
	return {
		url,
		cookies,
		cpuMs: () => {
			const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
			// utime and stime, the 14th and 15th fields of the whole line.
			return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
		},
		memory: () => ask('memory'),
		watchLoop: () => ask('watch-loop'),
		longestBlock: () => ask('longest-block'),
		profileStart: () => ask('profile-start'),
		profileStop: (file) => ask(`profile-stop ${file}`),
		writeBytes: () =>
			Number(/write_bytes:\s*(\d+)/.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))![1]),
		stop: async () => {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited(child);
			clearTimeout(timer);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

function dialectOf(kind: ServerKind): Dialect {
	if (kind === 'hocuspocus') return hocuspocusDialect;
	return yWebsocketDialect(kind === 'console' ? '/sync/' : '/');
}

export interface PhaseFigures {
	changes: number;
	/** Changes every receiving client got before the window closed. */
	deliveredChanges: number;
	/** The rate the driver managed to send at (below the plan's when it falls behind). */
	offeredPerSecond: number;
	/** Changes every receiver got, per second from the first change to the window's end. */
	deliveredPerSecond: number;
	/** Server CPU per change: paced, per change sent; saturating, per change delivered. */
	cpuMsPerChange: number;
	writeBytesPerChange: number;
	/** Over the receipts within the window. */
	p50Ms: number;
	p99Ms: number;
	/** Deliveries to receiving clients that had not arrived when the window closed. */
	missing: number;
}

export interface WorkloadFigures {
	paced: PhaseFigures;
	saturating: PhaseFigures;
	heapBytes: number;
	rssBytes: number;
}

export interface WorkloadPlan {
	clients: number;
	/** Members in the document. */
	members: number;
	warmupChanges: number;
	pacedRate: number;
	pacedSeconds: number;
	saturatingSeconds: number;
	/** How long after the last change the window stays open for its deliveries. */
	drainMs: number;
}

/**
 * `plan.clients` clients on the bench document: `WRITERS` admins each change the role of Consumers
 * nobody else changes (Consumer ↔ Analyst, which the policy allows an admin), the others receive.
 */
export async function runWorkload(
	kind: ServerKind,
	template: string,
	plan: WorkloadPlan
): Promise<WorkloadFigures> {
	const server = await startServer(kind, template);
	const closed: string[] = [];
	let stopping = false;
	const client = (accountId: string): ClientOptions => ({
		dialect: dialectOf(kind),
		base: server.url,
		documentName: BENCH_DOCUMENT,
		headers: server.cookies[accountId] ? { cookie: server.cookies[accountId]! } : {},
		onClose: (how) => {
			if (!stopping) closed.push(`${accountId} (${how})`);
		}
	});
	const sentAt = new Map<number, number>();
	let latencies: number[] = [];
	let delivered = 0;
	let lastDelivery = 0;
	const onStamp = (stamp: number) => {
		const sent = sentAt.get(stamp);
		if (sent === undefined) return;
		lastDelivery = performance.now();
		latencies.push(lastDelivery - sent);
		delivered++;
	};
	const writers = Array.from(
		{ length: WRITERS },
		(_, index) => new Writer(client(benchAccountId(index, ADMINS)))
	);
	const receivers = Array.from(
		{ length: plan.clients - WRITERS },
		(_, index) => new Receiver(client(benchAccountId(ADMINS + index, ADMINS)), onStamp)
	);
	try {
		await until(
			() => writers.every((w) => w.synced) && receivers.every((r) => r.synced),
			closed,
			120_000
		);
		// The Consumers changed are past the signed-in ones, each writer its own share of them.
		const firstChanged = ADMINS + plan.clients;
		const share = Math.floor((plan.members - firstChanged) / WRITERS);
		let stamp = 0;
		const steps = new Array<number>(WRITERS).fill(0);
		const change = (writerIndex: number) => {
			const writer = writers[writerIndex]!;
			const step = steps[writerIndex]!;
			steps[writerIndex] = step + 1;
			const accountId = benchAccountId(firstChanged + writerIndex * share + (step % share), ADMINS);
			const map = writer.doc.getMap<ReturnType<typeof memberEntry>>('members');
			const current = map.get(accountId) ?? memberEntry(accountId, 'consumer');
			sentAt.set(++stamp, performance.now());
			map.set(accountId, {
				...current,
				role: current.role === 'consumer' ? 'analyst' : 'consumer',
				updatedBy: benchAccountId(writerIndex, ADMINS),
				updatedAt: stamp
			});
		};
		/**
		 * Changes at `rate` for `seconds`, then a window of `plan.drainMs` for their deliveries: what
		 * has not arrived when it closes is missing. The server's CPU time is read from /proc by
		 * this process, so that a server still busy does not delay the reading.
		 */
		const phase = async (rate: number, seconds: number) => {
			sentAt.clear();
			latencies = [];
			delivered = 0;
			const cpuBefore = server.cpuMs();
			const bytesBefore = server.writeBytes();
			const total = Math.round(rate * seconds);
			const start = performance.now();
			let sent = 0;
			while (sent < total) {
				const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
				while (sent < due) change(sent++ % WRITERS);
				await sleep(2);
				if (closed.length) throw new Error(`${kind}: disconnected ${closed.join(', ')}`);
			}
			const sendMs = performance.now() - start;
			const expected = total * receivers.length;
			const windowEnd = performance.now() + plan.drainMs;
			while (delivered < expected && performance.now() < windowEnd) await sleep(5);
			const windowMs = performance.now() - start;
			return {
				changes: total,
				/** Changes every receiver got within the window. */
				deliveredChanges: delivered / receivers.length,
				offeredPerSecond: total / (sendMs / 1000),
				deliveredPerSecond: delivered / receivers.length / (windowMs / 1000),
				p50Ms: percentile(latencies, 50),
				p99Ms: percentile(latencies, 99),
				missing: expected - delivered,
				cpuMs: () => server.cpuMs() - cpuBefore,
				writeBytes: () => server.writeBytes() - bytesBefore
			};
		};
		await phase(plan.warmupChanges / 2, 2);
		await sleep(plan.drainMs);
		if (PROFILE_DIR) await server.profileStart();
		const pacedPhase = await phase(plan.pacedRate, plan.pacedSeconds);
		// Work a server defers (Hocuspocus stores 2 s after the last change) belongs to the phase.
		await sleep(plan.drainMs);
		if (PROFILE_DIR)
			await server.profileStop(join(PROFILE_DIR, `${kind}-${plan.clients}-paced.cpuprofile`));
		const paced: PhaseFigures = {
			...pacedPhase,
			cpuMsPerChange: pacedPhase.cpuMs() / pacedPhase.changes,
			writeBytesPerChange: pacedPhase.writeBytes() / pacedPhase.changes
		};
		const { heapBytes, rssBytes } = await server.memory();
		const saturatingPhase = await phase(WRITERS * PER_WRITER_RATE, plan.saturatingSeconds);
		const saturating: PhaseFigures = {
			...saturatingPhase,
			cpuMsPerChange: saturatingPhase.cpuMs() / saturatingPhase.deliveredChanges,
			writeBytesPerChange: saturatingPhase.writeBytes() / saturatingPhase.deliveredChanges
		};
		return { paced, saturating, heapBytes, rssBytes };
	} finally {
		stopping = true;
		for (const connected of [...writers, ...receivers]) connected.close();
		await server.stop();
	}
}

export interface ColdLoadFigures {
	members: number;
	/** From opening the socket to the client's first full sync. */
	firstSyncMs: number;
	/** From opening the socket to the first message carrying the document's state. */
	firstStateMs: number;
	/** Bytes of the document's state the client was sent. */
	stateBytes: number;
	/** The longest the server's event loop was busy at a time meanwhile. */
	longestBlockMs: number;
	heapBytes: number;
	rssBytes: number;
}

/** One client opens a document nobody had open since the server started. */
export async function runColdLoad(template: string, members: number): Promise<ColdLoadFigures> {
	const server = await startServer('console', template);
	const closed: string[] = [];
	let writer: Writer | null = null;
	try {
		const before = await server.memory();
		const accountId = benchAccountId(0, ADMINS);
		await server.watchLoop();
		const start = performance.now();
		writer = new Writer({
			dialect: dialectOf('console'),
			base: server.url,
			documentName: BENCH_DOCUMENT,
			headers: { cookie: server.cookies[accountId]! },
			onClose: (how) => closed.push(`${accountId} (${how})`)
		});
		// Synced, and the server has the document loaded and the connection open (it asked for
		// the client's state): a member may be synced before then (docs/sync.md).
		await until(() => writer!.synced && writer!.askedAt > 0, closed, 120_000);
		const firstSyncMs = writer.syncedAt - start;
		const firstStateMs = writer.firstStateAt - start;
		const { longestBlockMs } = await server.longestBlock();
		const after = await server.memory();
		return {
			members,
			firstSyncMs,
			firstStateMs,
			stateBytes: writer.stateBytes,
			longestBlockMs,
			heapBytes: after.heapBytes - before.heapBytes,
			rssBytes: after.rssBytes - before.rssBytes
		};
	} finally {
		writer?.close();
		await server.stop();
	}
}

async function until(condition: () => boolean, closed: string[], timeoutMs: number) {
	const start = Date.now();
	while (!condition()) {
		if (closed.length) throw new Error(`disconnected: ${closed.join(', ')}`);
		if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the clients');
		await sleep(5);
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
