/**
 * Mail queued by a change is in the change's own commit, and the delivery loop marks it (in
 * batches) only after it went out: a server killed between the two sends it at its next start,
 * once, to the SMTP server or into the local outbox. (Killed after the SMTP server took a message
 * and before the outbox recorded it, a server sends it again: docs/architecture.md.)
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killServerProcesses, startServerProcess } from '../support/server-process';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';

const clients: SyncClient[] = [];
let smtp: TestSmtpServer | null = null;

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	killServerProcesses();
	await smtp?.stop();
	smtp = null;
});

/** The outbox rows to this address, as the database file has them. */
function outboxTo(dataDir: string, address: string): Array<{ status: string }> {
	const db = new Database(join(dataDir, 'console.sqlite'), { readonly: true });
	try {
		return db
			.prepare('SELECT status FROM mail_outbox WHERE to_address = ? ORDER BY id')
			.all(address) as Array<{ status: string }>;
	} finally {
		db.close();
	}
}

describe('a server killed between a change that mails somebody and the mail going out', () => {
	it.each([
		['through SMTP', true, 'sent'],
		['into the local outbox', false, 'kept-locally']
	])('delivers it at its next start, once, %s', async (_how, withSmtp, delivered) => {
		smtp = withSmtp ? await startSmtpServer() : null;
		const env = smtp ? { SMTP_URL: smtp.url } : {};
		const dataDir = mkdtempSync(join(tmpdir(), 'console-mail-crash-'));
		try {
			const first = await startServerProcess(dataDir, env);
			const ada = new SyncClient(first, 'ada', 'project/p1', undefined, {
				cookie: first.cookies.ada
			});
			clients.push(ada);
			await ada.synced();
			ada.setMember('nia', { role: 'consumer' });
			await eventually(
				() => outboxTo(dataDir, 'nia@example.org').length === 1,
				'the mail to be queued with the change'
			);
			await first.kill();
			expect(outboxTo(dataDir, 'nia@example.org')).toEqual([{ status: 'queued' }]);
			expect(smtp?.received ?? []).toEqual([]);

			await startServerProcess(dataDir, env);
			await eventually(
				() => outboxTo(dataDir, 'nia@example.org')[0]?.status === delivered,
				'the mail to go out'
			);
			expect(outboxTo(dataDir, 'nia@example.org')).toHaveLength(1);
			if (smtp) {
				expect(smtp.received.filter((mail) => mail.to.includes('nia@example.org'))).toHaveLength(1);
			}
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
