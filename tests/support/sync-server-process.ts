/**
 * A console server in a process of its own, for the crash tests: the test kills it with SIGKILL
 * and starts it again on the same data directory. Once it listens it prints one JSON line on
 * stdout: its URL and a session cookie for each of its people.
 *
 * `SMTP_URL` is passed on: without it, mail stays in the local outbox. `SEED_BOARDS=<n>` gives the data view `view/p1/global` n boards when the database is created,
 * so that compacting it takes many chunks. On SIGUSR2 the server compacts that data view a chunk at
 * a time, and prints `compacting` once the first chunk is written, `compacted` once it is stored.
 */
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { findProjectRecord } from '../../server/consortium/store';
import { testAuthPolicy } from './auth';
import { sessionCookieFor, setUpProject } from './sync';

const VIEW = 'view/p1/global';

const app = createApp({
	...readConfig({
		NODE_ENV: 'test',
		PORT: '0',
		HOST: '127.0.0.1',
		DATA_DIR: process.env.DATA_DIR,
		SMTP_URL: process.env.SMTP_URL
	}),
	auth: testAuthPolicy()
});
if (!findProjectRecord(app.db, 'p1')) {
	setUpProject({ app }, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
	seedBoards(Number(process.env.SEED_BOARDS ?? 0));
}
process.on('SIGUSR2', () => {
	const view = app.registry.get(VIEW);
	if (!view) return;
	const compaction = view.compactInSlices();
	setImmediate(() => process.stdout.write('compacting\n'));
	void compaction.then(() => process.stdout.write('compacted\n'));
});
const url = await app.listen();
const cookies = { ada: sessionCookieFor({ app }, 'ada'), nia: sessionCookieFor({ app }, 'nia') };
process.stdout.write(`${JSON.stringify({ url, cookies })}\n`);

function seedBoards(count: number): void {
	if (count === 0) return;
	const at = Date.now();
	app.registry.change(VIEW, (roots) => {
		for (let index = 0; index < count; index++) {
			const id = `seeded${index}`;
			roots.boards.set(id, {
				id,
				createdBy: 'ada',
				createdAt: at,
				updatedBy: 'ada',
				updatedAt: at,
				name: `Seeded board ${index}`,
				description: 'A board that makes the data view large enough to compact in many chunks.',
				reports: []
			});
		}
	});
}
