/**
 * Access reviews through the real server (HTTP on port 0, real SMTP, the test clock): who may
 * start one and who reviews which zone (institution-zone management: a library's own admins, for
 * their zone), decisions judged by the policy as the reviewer's own changes, closing at the due
 * date (also after a restart past it) with the undecided reported and not removed, and the result
 * as one audit entry and a CSV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Review, ReviewItem } from '../../src/lib/shared';
import { putMember } from '../../server/consortium/projects';
import { parseCsv } from '../../src/lib/shared';
import { TestClock } from '../support/auth';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { eventually } from '../support/eventually';
import { SyncClient } from '../support/sync';
import {
	account,
	email,
	nameOf,
	outboxRecipients,
	rawRequest,
	setUpHarbour,
	signedIn,
	startWorkflowServer
} from '../support/workflows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
const directories: string[] = [];
const clients: SyncClient[] = [];

/** Harbour, and Ivy: a second Project Admin of Aurora Analytics from Aurora. */
function setUp(target: TestServer): void {
	setUpHarbour(target);
	account(target, 'ivy');
	putMember(target.app.db, target.app.registry, 'p1', {
		accountId: 'ivy',
		email: email('ivy'),
		name: nameOf('ivy'),
		role: 'admin',
		zoneId: 'aurora'
	});
}

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.now());
	server = await startWorkflowServer({ smtp, clock });
	setUp(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
	for (const directory of directories.splice(0))
		rmSync(directory, { recursive: true, force: true });
});

function start(accountId: string, zoneId: string | null, dueAt = clock.now() + 7 * DAY) {
	return signedIn(server, accountId).post('/api/projects/p1/reviews', { zoneId, dueAt });
}

async function started(accountId: string, zoneId: string | null, dueAt?: number): Promise<Review> {
	const answer = await start(accountId, zoneId, dueAt);
	expect(answer.status).toBe(201);
	return answer.body.review as Review;
}

function decide(accountId: string, reviewId: string, personId: string, decision: string) {
	return signedIn(server, accountId).post(
		`/api/projects/p1/reviews/${reviewId}/people/${personId}`,
		{
			decision
		}
	);
}

async function read(accountId: string, reviewId: string): Promise<Review> {
	const answer = await signedIn(server, accountId).get(`/api/projects/p1/reviews/${reviewId}`);
	expect(answer.status).toBe(200);
	return answer.body.review as Review;
}

function item(review: Review, accountId: string): ReviewItem {
	return review.items.find((entry) => entry.accountId === accountId)!;
}

async function governanceEntries(): Promise<AuditEntry[]> {
	const answer = await signedIn(server, 'iza').get('/api/projects/p1/audit?root=governance');
	expect(answer.status).toBe(200);
	return answer.body.entries as AuditEntry[];
}

function isMember(accountId: string): boolean {
	return server.app.registry.read('project/p1', (document) =>
		document.root('members').has(accountId)
	)!;
}

describe('who may start a review, and who reviews which zone', () => {
	it('lets a library’s admin review their zone, lists its people with their access and reason, and mails the other reviewers', async () => {
		const review = await started('iza', 'aurora');
		expect(review.review).toMatchObject({
			scopeName: 'Aurora',
			status: 'open',
			startedBy: { accountId: 'iza', name: nameOf('iza') },
			counts: { people: 4, kept: 0, removed: 0, left: 0, undecided: 4 },
			// Ian, Cole and Ivy; not her own access.
			waitingForYou: 3,
			completionBlocked: null
		});
		expect(review.items.map((entry) => entry.accountId)).toEqual(['cole', 'ian', 'ivy', 'iza']);
		expect(item(review, 'ian')).toMatchObject({
			role: 'analyst',
			scope: 'all',
			zoneId: 'aurora',
			outcome: null,
			isMember: true,
			decisionBlocked: null,
			removalBlocked: null
		});
		expect(item(review, 'ian').reason).toMatch(
			/^Added by the consortium office on \d+ \w{3} \d{4}\.$/
		);
		expect(item(review, 'iza').decisionBlocked).toBe(
			'Another reviewer decides about your own access: nobody attests to their own.'
		);
		expect(review.reviewers.map((reviewer) => reviewer.accountId).sort()).toEqual(['ivy', 'iza']);

		const mail = await smtp.nextMessageTo(email('ivy'));
		expect(mail.subject).toMatch(/^Access review of Aurora in Aurora Analytics: due /);
		expect(mail.text).toContain(`${nameOf('iza')} started an access review of Aurora`);
		expect(mail.text).toContain(`/projects/p1/settings/reviews/${review.review.id}`);
		// Neither the starter nor the Network Zone's admin, who does not review Aurora's people.
		expect(outboxRecipients(server, 'Access review of Aurora')).toEqual([email('ivy')]);
	});

	it('refuses a Consumer, an Analyst, a stranger, and the Network Zone’s admin for a library’s zone', async () => {
		for (const [accountId, code] of [
			['cole', 'not-project-admin'],
			['ian', 'not-project-admin'],
			['bea', 'not-project-admin'],
			['nadia', 'not-zone-reviewer']
		] as const) {
			const answer = await start(accountId, 'aurora');
			expect(answer.status, accountId).toBe(403);
			expect(answer.body.error.code, accountId).toBe(code);
		}
		expect(server.app.db.prepare('SELECT COUNT(*) FROM reviews').pluck().get()).toBe(0);
	});

	it('refuses a due date in the past or beyond a year, an unknown zone, a zone nobody is from, and a second open review', async () => {
		const past = await start('iza', 'aurora', clock.now() - 1);
		expect(past.status).toBe(400);
		expect(past.body.error).toMatchObject({
			code: 'review-due-date',
			fields: { dueAt: ['Choose a due date at least an hour from now.'] }
		});
		expect((await start('iza', 'aurora', clock.now() + 400 * DAY)).body.error.code).toBe(
			'review-due-date'
		);
		expect((await start('iza', 'nowhere')).body.error.code).toBe('review-zone-unknown');
		const nobody = await start('nadia', null);
		expect(nobody.status).toBe(201);
		expect((await start('nadia', 'nz')).status).toBe(201);
		const again = await start('ivy', 'aurora');
		expect(again.status).toBe(201);
		const twice = await start('iza', 'aurora');
		expect(twice.status).toBe(409);
		expect(twice.body.error.code).toBe('review-open');
		expect((await start('bea', 'borealis')).status).toBe(403);
	});

	it('in a whole-project review, lets each admin decide only about the people of their own zone', async () => {
		const review = await started('nadia', null);
		expect(review.items.map((entry) => entry.accountId)).toEqual([
			'cole',
			'ian',
			'ivy',
			'iza',
			'nadia'
		]);
		expect(item(review, 'ian').decisionBlocked).toBe(
			'In institution-zone management the people of Aurora are reviewed by Aurora’s own Project Admins.'
		);
		const refused = await decide('nadia', review.review.id, 'ian', 'keep');
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('not-zone-reviewer');
		expect((await decide('iza', review.review.id, 'ian', 'keep')).status).toBe(200);
		// The Network Zone's only admin here may not attest to her own access either.
		expect((await decide('nadia', review.review.id, 'nadia', 'keep')).body.error.code).toBe(
			'review-own-access'
		);
		// Cole and Ivy are left to her: Ian is decided, her own access is not hers to decide.
		expect((await read('iza', review.review.id)).review.waitingForYou).toBe(2);
	});
});

describe('decisions', () => {
	it('removes through the policy as the reviewer’s own change: audited, told to the member, their connection closed', async () => {
		const ian = new SyncClient(server, 'ian', 'project/p1');
		clients.push(ian);
		await ian.synced();
		const { review } = await started('iza', 'aurora');
		const answer = await decide('iza', review.id, 'ian', 'remove');
		expect(answer.status).toBe(200);
		expect(item(answer.body.review, 'ian')).toMatchObject({
			outcome: 'remove',
			decidedBy: { accountId: 'iza', name: nameOf('iza') },
			decidedAt: clock.now(),
			isMember: false
		});
		expect(isMember('ian')).toBe(false);
		await eventually(
			() => ian.closes.some((close) => close.code === 4410),
			'Ian’s connection closed as his access was revoked'
		);

		const removal = await signedIn(server, 'iza').get('/api/projects/p1/audit?root=members');
		expect(removal.body.entries[0]).toMatchObject({
			author: { id: 'iza' },
			outcome: 'accepted',
			sentence: `${nameOf('iza')} removed ${nameOf('ian')} from the project`
		});
		const told = await smtp.nextMessageTo(email('ian'));
		expect(told.text).toContain(nameOf('iza'));
		// A decision is final.
		expect((await decide('iza', review.id, 'ian', 'keep')).body.error.code).toBe(
			'review-item-decided'
		);
	});

	it('cannot remove another Project Admin: says so beforehand, refuses with the policy’s reason, and leaves them undecided', async () => {
		const { review, items } = await started('iza', 'aurora');
		const ivy = items.find((entry) => entry.accountId === 'ivy')!;
		expect(ivy.decisionBlocked).toBeNull();
		expect(ivy.removalBlocked).toMatch(/Project Admin/);
		const answer = await decide('iza', review.id, 'ivy', 'remove');
		expect(answer.status).toBe(403);
		expect(answer.body.error).toMatchObject({ code: 'admin-protected' });
		expect(answer.body.error.message).toBe(ivy.removalBlocked);
		expect(isMember('ivy')).toBe(true);
		expect(item(await read('iza', review.id), 'ivy').outcome).toBeNull();
		const refused = await signedIn(server, 'iza').get(
			'/api/projects/p1/audit?root=members&outcome=refused'
		);
		expect(refused.body.entries[0]).toMatchObject({
			author: { id: 'iza' },
			code: 'admin-protected'
		});
		// Keeping her is a decision like any other.
		expect((await decide('iza', review.id, 'ivy', 'keep')).status).toBe(200);
	});

	it('takes no decision once the due date has passed, even before the review is closed', async () => {
		const { review } = await started('iza', 'aurora', clock.now() + 2 * HOUR);
		clock.advance(2 * HOUR);
		const late = await decide('iza', review.id, 'ian', 'remove');
		expect(late.status).toBe(409);
		expect(late.body.error.code).toBe('review-closed');
		expect(isMember('ian')).toBe(true);
	});
});

describe('closing', () => {
	it('closes at the due date: the undecided are reported, not removed, in one audit entry and a mail to the starter', async () => {
		const { review } = await started('iza', 'aurora', clock.now() + 2 * DAY);
		await decide('iza', review.id, 'ian', 'remove');
		await decide('iza', review.id, 'cole', 'keep');
		expect(server.app.reviews.runDue()).toBe(0);

		clock.advance(2 * DAY);
		expect(server.app.reviews.runDue()).toBe(1);
		expect(server.app.reviews.runDue()).toBe(0);
		expect(isMember('ivy')).toBe(true);
		expect(isMember('iza')).toBe(true);

		const closed = await read('iza', review.id);
		expect(closed.review).toMatchObject({
			status: 'closed',
			closing: 'due-date',
			closedBy: null,
			closedAt: clock.now(),
			counts: { people: 4, kept: 1, removed: 1, left: 0, undecided: 2 },
			waitingForYou: 0
		});
		const [entry, ...others] = await governanceEntries();
		expect(others).toEqual([]);
		expect(entry!.author).toBeNull();
		expect(entry!.sentence).toBe(
			`The server closed the access review of Aurora at its due date: 1 kept, 1 removed, 2 undecided; decided by ${nameOf('iza')}`
		);
		const mail = await smtp.nextMessageTo(email('iza'));
		expect(mail.subject).toBe(
			'Access review of Aurora in Aurora Analytics closed: 2 people undecided'
		);
		expect(mail.text).toContain(`${nameOf('ivy')} (${email('ivy')})`);
		expect(mail.text).toContain(`${nameOf('iza')} (${email('iza')})`);
		expect(mail.text).toContain('Their access is unchanged');
	});

	it('closes a review that fell due while the server was down as soon as it is back, once', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-reviews-'));
		directories.push(dataDir);
		await server.close();
		server = await startWorkflowServer({ smtp, clock, dataDir });
		setUp(server);
		const { review } = await started('ivy', 'aurora', clock.now() + DAY);
		await decide('ivy', review.id, 'cole', 'keep');
		await server.close();

		clock.advance(3 * DAY);
		server = await startWorkflowServer({ smtp, clock, dataDir });
		const mail = await smtp.nextMessageTo(email('ivy'));
		expect(mail.subject).toBe(
			'Access review of Aurora in Aurora Analytics closed: 3 people undecided'
		);
		expect((await read('iza', review.id)).review).toMatchObject({
			status: 'closed',
			closing: 'due-date',
			counts: { kept: 1, undecided: 3 }
		});
		expect(server.app.reviews.runDue()).toBe(0);
		expect(await governanceEntries()).toHaveLength(1);
		expect(isMember('ian')).toBe(true);
	});

	it('completes early by a reviewer, marks who left meanwhile, and gives the review as CSV', async () => {
		const { review } = await started('nadia', null);
		await decide('iza', review.id, 'ian', 'keep');
		await decide('ivy', review.id, 'iza', 'keep');
		// Cole leaves on his own while the review is open.
		server.app.registry.change('project/p1', (roots) => roots.members.delete('cole'));
		clock.advance(HOUR);
		const refused = await signedIn(server, 'cole').post(
			`/api/projects/p1/reviews/${review.id}/complete`
		);
		expect(refused.status).toBe(403);
		const done = await signedIn(server, 'iza').post(
			`/api/projects/p1/reviews/${review.id}/complete`
		);
		expect(done.status).toBe(200);
		expect(done.body.review.review).toMatchObject({
			status: 'closed',
			closing: 'completed',
			closedBy: { accountId: 'iza' },
			counts: { people: 5, kept: 2, removed: 0, left: 1, undecided: 2 }
		});
		expect(
			(await signedIn(server, 'ivy').post(`/api/projects/p1/reviews/${review.id}/complete`)).body
				.error.code
		).toBe('review-closed');

		const [entry] = await governanceEntries();
		expect(entry!.sentence).toBe(
			`${nameOf('iza')} completed the access review of the whole project: 2 kept, 0 removed, 1 no longer a member, 2 undecided; decided by ${nameOf('iza')} and ${nameOf('ivy')}`
		);
		// Nadia started it and did not complete it: she hears the result.
		const mail = await smtp.nextMessageTo(email('nadia'));
		expect(mail.text).toContain(`${nameOf('iza')} completed it`);

		const csv = await rawRequest(server, 'iza', `/api/projects/p1/reviews/${review.id}/review.csv`);
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-disposition')).toMatch(
			/^attachment; filename="access-review-aurora-analytics-everyone-\d{4}-\d{2}-\d{2}\.csv"/
		);
		const parsed = parseCsv(await csv.text());
		expect(parsed.ok).toBe(true);
		const rows = parsed.ok ? parsed.records : [];
		expect(rows[0]).toEqual([
			'Person',
			'Email',
			'Zone',
			'Role',
			'Data views',
			'Reason',
			'Decision',
			'Decided by',
			'Decided at (UTC)'
		]);
		const byEmail = new Map(rows.slice(1).map((row) => [row[1], row]));
		expect(byEmail.get(email('ian'))).toEqual([
			nameOf('ian'),
			email('ian'),
			'Aurora',
			'Analyst',
			'All data views',
			expect.stringMatching(/^Added by the consortium office on /),
			'Kept',
			nameOf('iza'),
			new Date(clock.now() - HOUR).toISOString()
		]);
		expect(byEmail.get(email('cole'))!.slice(6)).toEqual([
			'No longer a member',
			'',
			expect.any(String)
		]);
		expect(byEmail.get(email('nadia'))!.slice(6)).toEqual(['Undecided', '', '']);
		const stranger = await rawRequest(
			server,
			'cole',
			`/api/projects/p1/reviews/${review.id}/review.csv`
		);
		expect(stranger.status).toBe(403);
	});
});
