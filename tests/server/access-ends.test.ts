/**
 * Access that ends (server/access-ends/): a membership with an end date is removed once the date
 * has passed, while the server runs and at once on the next start after downtime, as a server
 * change that the audit log words and the member hears of; the member and the project's other
 * admins are reminded a week and a day before, each reminder once, also across restarts; and the
 * policy's rules about end dates hold over a real socket. The clock is the test's: nothing sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	daysInMs,
	endOfDay,
	newId,
	projectDocument,
	type AuditEntry,
	type Invite,
	type Member
} from '../../src/lib/shared';
import { TestClock, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { SyncClient, setUpProject } from '../support/sync';
import { outboxRecipients, signedIn } from '../support/workflows';

const END = endOfDay('2026-08-31')!;

let smtp: TestSmtpServer;
let clock: TestClock;
let dataDir: string;
let server: TestServer;
const clients: SyncClient[] = [];

function start(): Promise<TestServer> {
	return startAuthServer({ smtp, clock, config: { dataDir } });
}

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.UTC(2026, 7, 20, 9, 0));
	dataDir = mkdtempSync(join(tmpdir(), 'access-ends-'));
	server = await start();
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'dana', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

async function connect(accountId: string): Promise<SyncClient> {
	const client = new SyncClient(server, accountId, 'project/p1');
	clients.push(client);
	await client.synced();
	return client;
}

async function restart(): Promise<void> {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	server = await start();
}

/** The member as the server holds it now. */
function memberOnServer(accountId: string): Member | undefined {
	return (
		server.app.registry.read(projectDocument('p1'), (document) =>
			document.root('members').get(accountId)
		) ?? undefined
	);
}

/** An admin's client sets the member's end date; resolves once the server has it. */
async function setEndDate(admin: SyncClient, accountId: string, endsAt: number | null) {
	admin.setMember(accountId, { endsAt });
	await eventually(
		() => (memberOnServer(accountId)?.endsAt ?? null) === endsAt,
		`the end date of ${accountId}`
	);
}

/** The latest refusal of a change of `key`, once the server has sent it. */
async function refusalOf(client: SyncClient, key: string) {
	const refusals = () =>
		client.verdicts.flatMap((verdict) => verdict.rejected).filter((refused) => refused.key === key);
	await eventually(() => refusals().length > 0, `a refusal of ${key}`);
	return refusals().at(-1)!;
}

/** The next mail to `address` whose subject starts so; mails of other subjects are passed over. */
async function mailTo(address: string, subject: string) {
	for (;;) {
		const mail = await smtp.nextMessageTo(address);
		if (mail.subject.startsWith(subject)) return mail;
	}
}

async function auditSentences(query: string): Promise<string[]> {
	const answer = await signedIn(server, 'ada').get(`/api/projects/p1/audit${query}`);
	return (answer.body.entries as AuditEntry[]).map((entry) => entry.sentence);
}

describe('a membership that ends', () => {
	it('is removed when its end date has passed, as a server change the audit log words and the member hears of', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		const dana = await connect('dana');

		// The end date is the last moment of access: the membership ends once it has passed.
		clock.time = END;
		server.app.accessEnds.runDue();
		expect(memberOnServer('dana')).toBeDefined();

		clock.time = END + 1;
		server.app.accessEnds.runDue();
		expect(memberOnServer('dana')).toBeUndefined();
		await eventually(() => dana.closes.length > 0, 'dana’s connection to end');
		await eventually(() => ada.member('dana') === undefined, 'ada to see dana gone');

		expect(await auditSentences('?author=server&root=members')).toContain(
			'Name of dana’s access ended as planned (end date 31 Aug 2026)'
		);
		expect(await auditSentences('?author=ada&root=members')).toContain(
			'Name of ada set Name of dana’s access to end on 31 Aug 2026'
		);
		// The day's reminder went out when the clock stood at the end date itself.
		const mail = await mailTo('dana@example.org', 'Your access to Analytics ends on');
		expect(mail.text).toContain('ends on 31 Aug 2026, today, as planned.');
		const ended = await mailTo('dana@example.org', 'Your access to Analytics has ended');
		expect(ended.text).toContain('Your access to Analytics ended on 31 Aug 2026, as planned.');
	});

	it('is removed by the running server’s own timer once the end date has passed', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		clock.time = END + 1;
		// Any change of an end date wakes the scheduler, which then finds dana's past due.
		await setEndDate(ada, 'ned', END + daysInMs(30));
		await eventually(() => memberOnServer('dana') === undefined, 'the timer to end dana’s access');
		expect(memberOnServer('ned')).toBeDefined();
	});

	it('is removed at once on the next start when the date passed while the server was down', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		await restart();
		expect(memberOnServer('dana')).toBeDefined();

		for (const client of clients.splice(0)) client.destroy();
		await server.close();
		clock.time = END + daysInMs(3);
		server = await start();
		// Nothing was asked of the server but to start.
		expect(memberOnServer('dana')).toBeUndefined();
		expect(await auditSentences('?author=server&root=members')).toContain(
			'Name of dana’s access ended as planned (end date 31 Aug 2026)'
		);
	});

	it('keeps the project’s last Project Admin past their end date, and says so', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'ada', END);
		const bo = await connect('bo');
		bo.map('members').delete('bo');
		await eventually(() => memberOnServer('bo') === undefined, 'bo to leave');

		clock.time = END + 1;
		server.app.accessEnds.runDue();
		expect(memberOnServer('ada')).toMatchObject({ role: 'admin', endsAt: null });
		expect(await auditSentences('?author=server&root=members')).toContain(
			'Name of ada’s access was kept past its end date (31 Aug 2026): they were the project’s last Project Admin'
		);
		const mail = await mailTo('ada@example.org', 'Your access to Analytics continues');
		expect(mail.text).toContain(
			'Your access to Analytics was to end on 31 Aug 2026, but you are its last Project Admin, so it continues.'
		);
	});
});

describe('reminders before the end date', () => {
	const subjectToDana = 'Your access to Analytics ends on 31 Aug 2026';
	const subjectToAdmins = 'Access of Name of dana (dana@example.org), Analyst to Analytics';

	it('mails the member and the other admins a week and a day before, once each, also across restarts', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, subjectToDana)).toEqual([]);

		clock.time = END - daysInMs(7) - 1;
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, subjectToDana)).toEqual([]);

		clock.time = END - daysInMs(7);
		server.app.accessEnds.runDue();
		const week = await mailTo('dana@example.org', subjectToDana);
		expect(week.text).toContain(
			'Your access to the project Analytics in the Consortium Console ends on 31 Aug 2026, in 7 days, as planned.'
		);
		expect(week.text).toContain('ask Name of ada and Name of bo');
		const toAda = await mailTo('ada@example.org', subjectToAdmins);
		expect(toAda.subject).toBe(`${subjectToAdmins} ends on 31 Aug 2026`);
		expect(extractLink(toAda, '/projects/p1/settings/users')).toContain(server.url);
		expect((await mailTo('bo@example.org', subjectToAdmins)).subject).toBe(
			`${subjectToAdmins} ends on 31 Aug 2026`
		);

		server.app.accessEnds.runDue();
		await restart();
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, subjectToDana)).toEqual(['dana@example.org']);
		expect(outboxRecipients(server, subjectToAdmins).sort()).toEqual([
			'ada@example.org',
			'bo@example.org'
		]);

		clock.time = END - daysInMs(1);
		server.app.accessEnds.runDue();
		const day = await mailTo('dana@example.org', subjectToDana);
		expect(day.text).toContain('ends on 31 Aug 2026, tomorrow, as planned.');
		await restart();
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, subjectToDana)).toEqual([
			'dana@example.org',
			'dana@example.org'
		]);
		expect(outboxRecipients(server, subjectToAdmins)).toHaveLength(4);
	});

	it('does not remind of a day that had come when the end date was set', async () => {
		const ada = await connect('ada');
		const tomorrow = endOfDay('2026-08-21')!;
		await setEndDate(ada, 'dana', tomorrow);
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, 'Your access to Analytics ends on')).toEqual([]);

		clock.time = tomorrow - daysInMs(1);
		server.app.accessEnds.runDue();
		const mail = await mailTo('dana@example.org', 'Your access to Analytics ends on');
		expect(mail.text).toContain('ends on 21 Aug 2026, tomorrow, as planned.');
		expect(outboxRecipients(server, 'Your access to Analytics ends on')).toHaveLength(1);
	});

	it('sends only the nearer reminder when the server was down over both', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		for (const client of clients.splice(0)) client.destroy();
		await server.close();
		clock.time = END - daysInMs(0.5);
		server = await start();
		const mail = await mailTo('dana@example.org', subjectToDana);
		expect(mail.text).toContain('ends on 31 Aug 2026, today, as planned.');
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, subjectToDana)).toEqual(['dana@example.org']);
	});

	it('reminds again of a new end date, not of one that was cleared', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		clock.time = END - daysInMs(7);
		server.app.accessEnds.runDue();
		await setEndDate(ada, 'dana', null);
		clock.time = END - daysInMs(1);
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, subjectToDana)).toHaveLength(1);

		const later = endOfDay('2026-09-30')!;
		await setEndDate(ada, 'dana', later);
		clock.time = later - daysInMs(7);
		server.app.accessEnds.runDue();
		expect(outboxRecipients(server, 'Your access to Analytics ends on 30 Sep 2026')).toEqual([
			'dana@example.org'
		]);
	});
});

describe('the rules of end dates, over a real socket', () => {
	it('refuses a Consumer who pushes their own end date later', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'ned', END);
		const ned = await connect('ned');
		ned.setMember('ned', { endsAt: END + daysInMs(30) });
		const verdict = await refusalOf(ned, 'ned');
		expect(verdict.code).toBe('admin-only');
		await eventually(() => ned.member('ned')?.endsAt === END, 'the revert');
		expect(memberOnServer('ned')!.endsAt).toBe(END);
	});

	it('refuses an admin who sets an end date for another Project Admin', async () => {
		const ada = await connect('ada');
		ada.setMember('bo', { endsAt: END });
		expect((await refusalOf(ada, 'bo')).code).toBe('admin-protected');
		expect(memberOnServer('bo')!.endsAt ?? null).toBeNull();
	});

	it('refuses an end date that has passed by the server’s clock, whatever the client’s says', async () => {
		const ada = await connect('ada');
		ada.setMember('dana', { endsAt: clock.now() - 1 });
		const verdict = await refusalOf(ada, 'dana');
		expect(verdict.code).toBe('end-date-past');
		expect(memberOnServer('dana')!.endsAt ?? null).toBeNull();

		const invite: Invite = {
			id: newId(),
			email: 'summer@office.example.org',
			role: 'analyst',
			zoneId: 'nz',
			scope: 'all',
			invitedBy: 'ada',
			invitedAt: clock.now(),
			endsAt: endOfDay('2026-08-19'),
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null
		};
		ada.map('invites').set(invite.id, invite);
		expect((await refusalOf(ada, invite.id)).code).toBe('end-date-past');
	});

	it('does not bring back a membership that ended while an admin was offline', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		ada.provider.disconnect();
		clock.time = END + 1;
		server.app.accessEnds.runDue();
		expect(memberOnServer('dana')).toBeUndefined();

		// Offline, ada clears the end date she still sees; back online (signed in again, her
		// session having lapsed meanwhile), her copy is sent.
		ada.setMember('dana', { endsAt: null });
		const back = new SyncClient(server, 'ada', 'project/p1', ada.doc);
		clients.push(back);
		expect((await refusalOf(back, 'dana')).code).toBe('join-by-invite');
		await eventually(() => back.member('dana') === undefined, 'the revert');
		expect(memberOnServer('dana')).toBeUndefined();
	});

	it('refuses to change a membership whose end has come before the server removed it', async () => {
		const ada = await connect('ada');
		await setEndDate(ada, 'dana', END);
		// The server has not come to it yet (its timer is late, or it is busy).
		server.app.accessEnds.stop();
		clock.time = END + 1;
		ada.setMember('dana', { endsAt: null });
		expect((await refusalOf(ada, 'dana')).code).toBe('access-ended');
	});
});

describe('an invitation with an end date', () => {
	function invitation(email: string, endsAt: number): Invite {
		return {
			id: newId(),
			email,
			role: 'analyst',
			zoneId: 'nz',
			scope: 'all',
			invitedBy: 'ada',
			invitedAt: clock.now(),
			endsAt,
			sendRequests: 1,
			status: 'queued',
			sentAt: null,
			expiresAt: null,
			acceptedAt: null,
			failure: null
		};
	}

	it('says the end date, and carries it to the membership on acceptance', async () => {
		const ada = await connect('ada');
		const sent = invitation('summer@example.org', END);
		ada.map('invites').set(sent.id, sent);
		const mail = await smtp.nextMessageTo('summer@example.org');
		expect(mail.text).toContain('Your access lasts until 31 Aug 2026.');
		const token = tokenFromLink(extractLink(mail, '/invite'));

		const browser = new TestClient(server);
		const preview = await browser.post('/api/invites/preview', { token });
		expect(preview.body).toMatchObject({ endsAt: END });
		const accepted = await browser.post('/api/invites/accept', { token, name: 'Summer Staff' });
		expect(accepted.status).toBe(200);
		expect(memberOnServer(accepted.body.account.id as string)).toMatchObject({
			role: 'analyst',
			endsAt: END
		});
		expect(await auditSentences('?author=ada&root=invites')).toContain(
			'Name of ada invited Summer Staff (summer@example.org) as Analyst (Office), until 31 Aug 2026'
		);
	});

	it('cannot be accepted once the access it offers has ended', async () => {
		const ada = await connect('ada');
		const sent = invitation('late@example.org', endOfDay('2026-08-21')!);
		ada.map('invites').set(sent.id, sent);
		const token = tokenFromLink(
			extractLink(await smtp.nextMessageTo('late@example.org'), '/invite')
		);
		clock.time = endOfDay('2026-08-21')! + 1;
		const accepted = await new TestClient(server).post('/api/invites/accept', {
			token,
			name: 'Late Comer'
		});
		expect(accepted.status).toBe(409);
		expect(accepted.body.error.code).toBe('access-ended');
		expect(accepted.body.error.message).toContain('ended on 21 Aug 2026');
	});
});
