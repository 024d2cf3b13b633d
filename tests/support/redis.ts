/**
 * A Redis server of a test's own (Debian's redis-server, which `npm test` made sure is
 * installed): on a free port of 127.0.0.1, keeping nothing on disk, that the test can kill and
 * start again on the same port to see what a restart of Redis does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

export interface TestRedis {
	url: string;
	/** Kills the server at once (SIGKILL): everything it held is gone. */
	kill(): Promise<void>;
	/** Starts it again on the same port. */
	start(): Promise<void>;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
	const port = await freePort();
	let child: ChildProcess | null = null;
	const start = async () => {
		child = spawn(
			REDIS_SERVER,
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{ stdio: 'ignore' }
		);
		await untilItAnswers(port);
	};
	const kill = async () => {
		if (!child || child.exitCode !== null) return;
		const exited = once(child, 'exit');
		child.kill('SIGKILL');
		await exited;
	};
	await start();
	return { url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}

async function freePort(): Promise<number> {
	const server = createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as { port: number };
	server.close();
	await once(server, 'close');
	return port;
}

/** Waits until the port takes connections; a server that never starts fails the test. */
async function untilItAnswers(port: number): Promise<void> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const answered = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (answered) return;
		if (Date.now() > deadline) throw new Error(`Redis did not start on port ${port}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
