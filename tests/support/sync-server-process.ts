/**
 * A console server in a process of its own, for the crash test: the test kills it with SIGKILL
 * and starts it again on the same data directory. Once it listens it prints one JSON line on
 * stdout: its URL and a session cookie for each of its people.
 */
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { findProjectRecord } from '../../server/consortium/store';
import { testAuthPolicy } from './auth';
import { sessionCookieFor, setUpProject } from './sync';

const app = createApp({
	...readConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: process.env.DATA_DIR }),
	auth: testAuthPolicy()
});
if (!findProjectRecord(app.db, 'p1')) {
	setUpProject({ app }, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
}
const url = await app.listen();
const cookies = { ada: sessionCookieFor({ app }, 'ada'), nia: sessionCookieFor({ app }, 'nia') };
process.stdout.write(`${JSON.stringify({ url, cookies })}\n`);
