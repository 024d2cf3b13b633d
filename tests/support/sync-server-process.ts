/**
 * A console server in a process of its own, with the test authenticator, for the crash test:
 * the test kills it with SIGKILL and starts it again on the same data directory. Prints its URL
 * as one JSON line on stdout once it listens.
 */
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { findProjectRecord } from '../../server/consortium/store';
import { setUpProject, testAuthenticate } from './sync';

const app = createApp(
	readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: process.env.DATA_DIR }),
	{
		authenticate: testAuthenticate
	}
);
if (!findProjectRecord(app.db, 'p1')) {
	setUpProject({ app }, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
}
const url = await app.listen();
process.stdout.write(`${JSON.stringify({ url })}\n`);
