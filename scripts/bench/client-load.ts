/**
 * One run of 200 clients on one project document against a server process of its own (see
 * bench-server.ts): `WRITERS` admins write, one client measures, the rest are connected and
 * receive every update. Throughput: a burst from every writer at once, until the measuring client
 * has seen all of it. Latency: author to the measuring client at a steady rate well below that.
 *
 * The writers stay within the server's default sync limits (a burst of 200 messages per
 * connection, 50 per second after it): a connection over them is closed, which fails the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Member } from '../../src/lib/shared';
import { percentile } from './report';

// Every y-websocket provider in Node listens for the process's exit.
process.setMaxListeners(0);

export const CLIENTS = 200;
export const WRITERS = 10;
/** Changes per writer before anything is measured (the server's JIT, its caches). */
export const WARMUP_PER_WRITER = 10;
/** Changes per writer in the burst: below the default burst allowance of 200 messages. */
export const BURST_PER_WRITER = 100;
/** Changes per second for the latency: well below either server's saturation on a busy 2-core machine. */
export const PACED_RATE = 10;
export const PACED_SECONDS = 15;
/** The pause that refills each writer's allowance (50 messages a second) after the warm-up. */
export const PAUSE_MS = 1000;

export type ServerKind = 'validated' | 'relay';

export interface LoadFigures {
	throughput: number;
	p50Ms: number;
	p99Ms: number;
	/** Server CPU time per change during the burst, fan-out to every client included. */
	cpuMsPerChange: number;
	/** The same for the clients' process, which shares the machine's cores with the server. */
	clientCpuMsPerChange: number;
}

interface ServerProcess {
	url: string;
	cookies: Record<string, string>;
	cpuMs(): Promise<number>;
	stop(): Promise<void>;
}

async function startServerProcess(kind: ServerKind): Promise<ServerProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		['--import', 'tsx', 'scripts/bench/bench-server.ts', kind, String(CLIENTS)],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	const lines = createInterface({ input: child.stdout! });
	const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
	const { url, cookies } = JSON.parse(await nextLine()) as {
		url: string;
		cookies: Record<string, string>;
	};
	return {
		url,
		cookies,
		async cpuMs() {
			const reply = nextLine();
			child.stdin!.write('cpu\n');
			return (JSON.parse(await reply) as { cpuMs: number }).cpuMs;
		},
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', () => resolve());
				child.kill();
			})
	};
}

export async function measureLoad(kind: ServerKind): Promise<LoadFigures> {
	const server = await startServerProcess(kind);
	const origin = new URL(server.url).origin;
	const wsUrl = `${server.url.replace(/^http/, 'ws')}/sync`;
	const headersOf = (accountId: string) => {
		const cookie = server.cookies[accountId];
		return cookie ? { cookie } : {};
	};
	let failure: string | null = null;
	let stopping = false;
	const failOnClose = (who: string) => (code: number) => {
		if (!stopping) failure ??= `${who} was disconnected (${code}) by the ${kind} server`;
	};

	const provider = (accountId: string) => {
		const socketClass = class extends WebSocket {
			constructor(address: string, protocols?: string | string[]) {
				super(address, protocols, { headers: headersOf(accountId), origin });
			}
		} as unknown as typeof globalThis.WebSocket;
		const connected = new WebsocketProvider(wsUrl, 'project/bench', new Y.Doc(), {
			WebSocketPolyfill: socketClass,
			disableBc: true
		});
		connected.on('connection-close', (event: { code: number } | null) =>
			failOnClose(accountId)(event?.code ?? 0)
		);
		return connected;
	};
	const writers = Array.from({ length: WRITERS }, (_, index) => provider(`admin${index || ''}`));
	const observer = provider(`m${WRITERS}`);
	const passive: WebSocket[] = [];
	for (let index = WRITERS + 1; index < CLIENTS; index++) {
		const socket = new WebSocket(`${wsUrl}/project/bench`, {
			headers: headersOf(`m${index}`),
			origin
		});
		socket.on('open', () => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, new Y.Doc());
			socket.send(encoding.toUint8Array(encoder));
		});
		socket.on('close', failOnClose(`m${index}`));
		passive.push(socket);
	}
	const until = async (condition: () => boolean, timeoutMs = 60_000) => {
		const start = Date.now();
		while (!condition()) {
			if (failure) throw new Error(failure);
			if (Date.now() - start > timeoutMs) throw new Error(`${kind}: benchmark timed out`);
			await sleep(5);
		}
	};
	await until(
		() =>
			[...writers, observer].every((p) => p.synced) &&
			passive.every((s) => s.readyState === WebSocket.OPEN)
	);

	const sentAt = new Map<number, number>();
	const latencies: number[] = [];
	const members = observer.doc.getMap<Member>('members');
	members.observe((event) => {
		const now = performance.now();
		for (const key of event.keysChanged) {
			const stamp = members.get(key)?.updatedAt;
			const sent = stamp === undefined ? undefined : sentAt.get(stamp);
			if (sent !== undefined) {
				latencies.push(now - sent);
				sentAt.delete(stamp!);
			}
		}
	});
	let stamp = 0;
	/** The writer's next role change, of one of the passive members it looks after. */
	const change = (writerIndex: number, step: number) => {
		const writer = writers[writerIndex]!;
		const key = `m${WRITERS + 1 + ((writerIndex * 18 + (step % 18)) % (CLIENTS - WRITERS - 1))}`;
		const map = writer.doc.getMap<Member>('members');
		const current = map.get(key)!;
		sentAt.set(++stamp, performance.now());
		map.set(key, {
			...current,
			role: current.role === 'consumer' ? 'analyst' : 'consumer',
			updatedBy: `admin${writerIndex || ''}`,
			updatedAt: stamp
		});
	};
	const burst = async (perWriter: number) => {
		latencies.length = 0;
		for (let step = 0; step < perWriter; step++)
			for (let writer = 0; writer < WRITERS; writer++) change(writer, step);
		await until(() => latencies.length >= perWriter * WRITERS, 180_000);
	};

	await burst(WARMUP_PER_WRITER);
	await sleep(PAUSE_MS);
	const changes = BURST_PER_WRITER * WRITERS;
	const cpuBefore = await server.cpuMs();
	const clientCpuBefore = process.cpuUsage();
	const start = performance.now();
	await burst(BURST_PER_WRITER);
	const throughput = changes / ((performance.now() - start) / 1000);
	const { user, system } = process.cpuUsage(clientCpuBefore);
	const clientCpuMsPerChange = (user + system) / 1000 / changes;
	const cpuMsPerChange = ((await server.cpuMs()) - cpuBefore) / changes;

	await sleep(PAUSE_MS);
	latencies.length = 0;
	const total = PACED_RATE * PACED_SECONDS;
	for (let index = 0; index < total; index++) {
		change(index % WRITERS, index);
		await sleep(1000 / PACED_RATE);
	}
	await until(() => latencies.length >= total);

	stopping = true;
	for (const connected of [...writers, observer]) connected.destroy();
	for (const socket of passive) socket.close();
	await server.stop();
	return {
		throughput,
		p50Ms: percentile(latencies, 50),
		p99Ms: percentile(latencies, 99),
		cpuMsPerChange,
		clientCpuMsPerChange
	};
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
