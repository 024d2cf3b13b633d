/**
 * The console server in a child process (tests/support/sync-server-process.ts), for the tests that
 * kill it (SIGKILL) and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
	child: ChildProcess;
	url: string;
	origin: string;
	cookies: Record<'ada' | 'nia', string>;
	/** Resolves once the process has printed this line. */
	printed(line: string): Promise<void>;
	/** Kills it with SIGKILL, as a crash would; resolves once it is gone. */
	kill(): Promise<void>;
}

const processes: ChildProcess[] = [];

/** Starts the server on `dataDir`, with `env` besides the test's own; resolves once it listens. */
export function startServerProcess(
	dataDir: string,
	env: NodeJS.ProcessEnv = {}
): Promise<ServerProcess> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'tests/support/sync-server-process.ts'],
		{
			env: { ...process.env, ...env, DATA_DIR: dataDir },
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	processes.push(child);
	const lines = createInterface({ input: child.stdout! });
	const printed = (expected: string) =>
		new Promise<void>((resolve) =>
			lines.on('line', (line) => {
				if (line === expected) resolve();
			})
		);
	const kill = async () => {
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	};
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
		lines.once('line', (line) => {
			const { url, cookies } = JSON.parse(line) as Pick<ServerProcess, 'url' | 'cookies'>;
			resolve({ child, url, cookies, origin: new URL(url).origin, printed, kill });
		});
	});
}

/** Kills every server process a test started and left running. */
export function killServerProcesses(): void {
	for (const child of processes.splice(0)) child.kill('SIGKILL');
}
