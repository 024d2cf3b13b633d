import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';

interface ServerProcess {
	child: ChildProcess;
	url: string;
	origin: string;
	cookies: Record<'ada' | 'nia', string>;
}

const processes: ChildProcess[] = [];
const clients: SyncClient[] = [];

function startProcess(dataDir: string): Promise<ServerProcess> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'tests/support/sync-server-process.ts'],
		{
			env: { ...process.env, DATA_DIR: dataDir },
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	processes.push(child);
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
		createInterface({ input: child.stdout! }).once('line', (line) => {
			const { url, cookies } = JSON.parse(line) as Pick<ServerProcess, 'url' | 'cookies'>;
			resolve({ child, url, cookies, origin: new URL(url).origin });
		});
	});
}

afterEach(() => {
	for (const client of clients.splice(0)) client.destroy();
	for (const child of processes.splice(0)) child.kill('SIGKILL');
});

describe('a server killed in the middle of a stream of changes', () => {
	it('still has, after a restart, every change any client had received back from it', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-crash-'));
		try {
			const first = await startProcess(dataDir);
			const writer = new SyncClient(first, 'ada', 'view/p1/global', undefined, {
				cookie: first.cookies.ada
			});
			const observer = new SyncClient(first, 'nia', 'view/p1/global', undefined, {
				cookie: first.cookies.nia
			});
			clients.push(writer, observer);
			await Promise.all([writer.synced(), observer.synced()]);
			const seen = new Set<string>();
			observer.map('boards').observe((event) => event.keysChanged.forEach((key) => seen.add(key)));

			let written = 0;
			const stream = setInterval(() => {
				const now = Date.now();
				const id = `b${written++}`;
				writer.map('boards').set(id, {
					id,
					createdBy: 'ada',
					createdAt: now,
					updatedBy: 'ada',
					updatedAt: now,
					name: id,
					description: '',
					reports: []
				});
			}, 2);
			await eventually(() => seen.size >= 150, 'a good part of the stream to arrive');
			first.child.kill('SIGKILL');
			await new Promise((resolve) => first.child.once('exit', resolve));
			clearInterval(stream);
			const received = [...seen];
			expect(written).toBeGreaterThan(received.length - 1);

			const second = await startProcess(dataDir);
			const reader = new SyncClient(second, 'nia', 'view/p1/global', undefined, {
				cookie: second.cookies.nia
			});
			clients.push(reader);
			await reader.synced();
			const missing = received.filter((id) => !reader.map('boards').has(id));
			expect(missing).toEqual([]);
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
