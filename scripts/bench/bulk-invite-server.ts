/**
 * The server process of the bulk invite benchmark: the console's server as `npm start` runs it
 * (createApp, the default configuration, mail kept in the local outbox) on a fresh data directory,
 * with a network-zone project (`bench`: the Network Zone "Office", at office.example.org, and the
 * Institution Zone "Library one", at library.example.edu), its one Project Admin (`admin`) signed
 * in with a real session, and `accounts` accounts that are members of nothing
 * (`acct<n>@office.example.org`), whom a file adds at once.
 *
 * One setting differs from a deployment: the allowance of people invited from files per admin
 * (5,000 a day) is lifted, since the benchmark invites more than that in a run; a refusal by it
 * would be the limit doing its job, not a measure of speed.
 *
 * Prints one line `{ "url", "cookie" }` once listening (anything else it prints is the local
 * outbox's log), then answers every line it reads on stdin with `{ "queued": n }`: the messages
 * still waiting in the outbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createAccount } from '../../server/auth/accounts';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';

const accounts = Number(process.argv[2] ?? '2000');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-bulk-'));
const config = readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
config.auth.rateLimits.invitesByFilePerInviter = { limit: Number.MAX_SAFE_INTEGER, windowMs: 1 };
const app = createApp(config);
process.once('SIGTERM', () => {
	rmSync(dataDir, { recursive: true, force: true });
	process.exit(0);
});

const consortium = createConsortium(app.db, {
	name: 'Bench Consortium',
	mode: 'network-zone',
	zones: [
		{ id: 'office', kind: 'network', name: 'Office', emailDomains: ['office.example.org'] },
		{
			id: 'library',
			kind: 'institution',
			name: 'Library one',
			emailDomains: ['library.example.edu']
		}
	]
});
createProject(app.db, app.registry, consortium, { id: 'bench', name: 'Bench Analytics' });
const admin = { id: 'admin', name: 'Bench Admin', email: 'admin@office.example.org' };
createAccount(app.authDb, admin);
putMember(app.db, app.registry, 'bench', {
	accountId: admin.id,
	email: admin.email,
	name: admin.name,
	role: 'admin',
	zoneId: 'office'
});
app.db.transaction(() => {
	for (let index = 0; index < accounts; index++)
		createAccount(app.authDb, {
			id: `acct${index}`,
			name: `Account ${index}`,
			email: `acct${index}@office.example.org`
		});
})();
const { token } = createSession(app.authDb, 'admin', { ip: '127.0.0.1', userAgent: 'bench' });
const url = await app.listen();
process.stdout.write(
	`${JSON.stringify({ url, cookie: `${sessionCookieName(app.site)}=${token}` })}\n`
);

const queued = app.db.prepare(`SELECT COUNT(*) FROM mail_outbox WHERE status = 'queued'`).pluck();
createInterface({ input: process.stdin }).on('line', () => {
	process.stdout.write(`${JSON.stringify({ queued: queued.get() })}\n`);
});
