import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
	killServerProcesses,
	startServerProcess,
	type ServerProcess
} from '../support/server-process';
import { SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';

const clients: SyncClient[] = [];

afterEach(() => {
	for (const client of clients.splice(0)) client.destroy();
	killServerProcesses();
});

/**
 * Streams new boards into the data view from one client while another watches, kills the server
 * once `killWhen` resolves, starts it again: the boards the watcher had received that the restarted
 * server lacks.
 */
async function missingAfterKill(
	env: NodeJS.ProcessEnv,
	killWhen: (server: ServerProcess, seen: ReadonlySet<string>) => Promise<void>
): Promise<string[]> {
	const dataDir = mkdtempSync(join(tmpdir(), 'console-crash-'));
	try {
		const first = await startServerProcess(dataDir, env);
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
		await killWhen(first, seen);
		await first.kill();
		clearInterval(stream);
		const received = [...seen, ...observer.map('boards').keys()];
		expect(written).toBeGreaterThan(seen.size - 1);

		const second = await startServerProcess(dataDir, env);
		const reader = new SyncClient(second, 'nia', 'view/p1/global', undefined, {
			cookie: second.cookies.nia
		});
		clients.push(reader);
		await reader.synced();
		return [...new Set(received)].filter((id) => !reader.map('boards').has(id));
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}

describe('a server killed in the middle of a stream of changes', () => {
	it('still has, after a restart, every change any client had received back from it', async () => {
		const missing = await missingAfterKill({}, async (_server, seen) => {
			await eventually(() => seen.size >= 150, 'a good part of the stream to arrive');
		});
		expect(missing).toEqual([]);
	});

	it.each([
		['while it compacts the document a chunk at a time', 'compacting'],
		['just after it stored a compaction the stream went on through', 'compacted']
	])('still has every change any client had received, killed %s', async (_when, line) => {
		const missing = await missingAfterKill({ SEED_BOARDS: '6000' }, async (server, seen) => {
			await eventually(() => seen.size >= 50, 'a part of the stream to arrive');
			const printed = server.printed(line);
			server.child.kill('SIGUSR2');
			await printed;
		});
		expect(missing).toEqual([]);
	});
});
