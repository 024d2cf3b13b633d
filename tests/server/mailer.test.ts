import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/database';
import { openConsoleDatabase } from '../../server/schema';
import { Mailer } from '../../server/mail/mailer';
import { listRecentMessages, type OutboxStatus } from '../../server/mail/outbox';
import { eventually } from '../support/eventually';
import { captureLog } from '../support/log';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

const message = {
	to: 'ada@library.example.edu',
	subject: 'Hello',
	text: 'A link: http://localhost/sign-in/link#token=abc\n',
	html: '<p>A link</p>'
};

describe('the mailer with an SMTP server', () => {
	let smtp: TestSmtpServer;
	let dataDir: string;
	let db: Db;
	const mailers: Mailer[] = [];

	beforeEach(async () => {
		smtp = await startSmtpServer();
		dataDir = mkdtempSync(join(tmpdir(), 'mailer-test-'));
		db = openConsoleDatabase(join(dataDir, 'console.sqlite'));
	});
	afterEach(async () => {
		await Promise.all(mailers.splice(0).map((mailer) => mailer.stop()));
		db.close();
		rmSync(dataDir, { recursive: true, force: true });
		await smtp.stop();
	});

	function startMailer(options: { maxAttempts?: number } = {}): Mailer {
		const mailer = new Mailer(db, {
			from: 'Console <console@example.org>',
			smtpUrl: smtp.url,
			retryBaseDelayMs: 5,
			log: captureLog().log,
			...options
		});
		mailers.push(mailer);
		mailer.start();
		return mailer;
	}

	const settled = (status: OutboxStatus) =>
		eventually(() => {
			const [entry] = listRecentMessages(db, 1);
			return entry?.status === status && entry;
		}, `the message to be ${status}`);

	it('delivers a queued message and then forgets its body', async () => {
		startMailer().enqueue(message);
		const received = await smtp.nextMessageTo(message.to);
		expect(received).toMatchObject({ subject: 'Hello', text: message.text, html: message.html });

		const entry = await settled('sent');
		expect(entry).toMatchObject({ attempts: 1, text: '', html: '' });
	});

	it('retries a message the server turned away for now, and then delivers it', async () => {
		smtp.rejectNext(2, 451);
		startMailer().enqueue(message);

		await smtp.nextMessageTo(message.to);
		const entry = await settled('sent');
		expect(entry.attempts).toBe(3);
	});

	it('gives up at once when the server refuses the message for good', async () => {
		smtp.rejectNext(1, 550);
		startMailer().enqueue(message);

		const entry = await settled('failed');
		expect(entry).toMatchObject({ attempts: 1, text: '', html: '' });
		expect(smtp.received).toEqual([]);
	});

	it('gives up after the last attempt', async () => {
		smtp.rejectNext(10, 451);
		startMailer({ maxAttempts: 3 }).enqueue(message);

		const entry = await settled('failed');
		expect(entry.attempts).toBe(3);
		expect(entry.lastError).toContain('Rejected by the test');
	});

	it('delivers what was queued before a restart', async () => {
		const before = new Mailer(db, {
			from: 'c@example.org',
			smtpUrl: smtp.url,
			log: captureLog().log
		});
		before.enqueue(message);
		await before.stop();

		startMailer();
		await smtp.nextMessageTo(message.to);
		await settled('sent');
	});
});
