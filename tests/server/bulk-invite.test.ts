/**
 * Inviting from a CSV file and copying an invite link by hand, against a real server, its real
 * mail (the test SMTP server) and real Accept Invite links: every row refused with its row, column
 * and reason; nothing applied when any row is refused, or when the project changed since the
 * preview; the invitations of an applied file written as one change authored by the admin and
 * sent as the dialog's are; only a project's Project Admins may do either.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	newId,
	newInvitation,
	projectDocument,
	sentInvitation,
	type BulkInvitePreview,
	type Invite,
	type Member
} from '../../src/lib/shared';
import { createAccount } from '../../server/auth/accounts';
import { DEFAULT_AUTH_POLICY, type AuthRateLimits } from '../../server/auth/settings';
import { addZonePerson } from '../../server/consortium/zone-people';
import { TestClock, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { embeddedToken, grantPortal, registerTestPortal } from '../support/embed';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { setUpProject, type Person } from '../support/sync';
import { rawRequest } from '../support/workflows';

const DAY = 24 * 3600 * 1000;
const HEADER = 'email,name,role,zone,end date';

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;

async function start(
	mode: 'network-zone' | 'institution-zone',
	people: Person[],
	limits: Partial<AuthRateLimits> = {}
): Promise<void> {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.UTC(2026, 10, 2, 9, 0, 0));
	server = await startAuthServer({
		smtp,
		clock,
		policy: { rateLimits: { ...DEFAULT_AUTH_POLICY.rateLimits, ...limits } }
	});
	setUpProject(server, mode, people);
}

afterEach(async () => {
	await server.close();
	await smtp.stop();
});

interface Answer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
}

async function send(
	accountId: string,
	path: string,
	csv: string,
	contentType = 'text/csv'
): Promise<Answer> {
	const response = await rawRequest(server, accountId, path, {
		method: 'POST',
		body: csv,
		contentType
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null };
}

function preview(accountId: string, csv: string): Promise<Answer> {
	return send(accountId, '/api/projects/p1/invites/csv/preview', csv);
}

function apply(accountId: string, csv: string, fingerprint: string): Promise<Answer> {
	return send(accountId, `/api/projects/p1/invites/csv?fingerprint=${fingerprint}`, csv);
}

function csv(...rows: string[]): string {
	return `${[HEADER, ...rows].join('\r\n')}\r\n`;
}

function invites(): Invite[] {
	return server.app.registry.read(projectDocument('p1'), (document) => [
		...document.root('invites').values()
	])!;
}

function memberByEmail(email: string): Member | undefined {
	const member = server.app.registry.read(projectDocument('p1'), (document) =>
		document.index!.memberByEmail(email)
	);
	return member ?? undefined;
}

/** An invitation written by the server, as if an admin had invited the address earlier. */
function openInvitation(email: string): Invite {
	const invite = sentInvitation(
		newInvitation({
			id: newId(),
			email,
			role: 'analyst',
			zoneId: 'nz',
			scope: 'all',
			invitedBy: 'ada',
			invitedAt: clock.now()
		}),
		clock.now(),
		clock.now() + 7 * DAY
	);
	server.app.registry.change(projectDocument('p1'), (roots) =>
		roots.invites.set(invite.id, invite)
	);
	return invite;
}

function account(id: string, email: string): void {
	createAccount(server.app.authDb, { id, email, name: `Name of ${id}` });
}

const NETWORK_PEOPLE: Person[] = [
	{ accountId: 'ada', role: 'admin', zone: 'nz' },
	{ accountId: 'nia', role: 'analyst', zone: 'nz' }
];

describe('previewing a file (network-zone management)', () => {
	beforeEach(() => start('network-zone', NETWORK_PEOPLE));

	it('gives every row its outcome, and each refused row its column and reason, writing nothing', async () => {
		account('exa', 'existing@office.example.org');
		openInvitation('waiting@office.example.org');
		const before = invites().length;
		const answer = await preview(
			'ada',
			csv(
				'new.analyst@office.example.org,New Analyst,Analyst,,',
				'edda@aurora.example.edu,Edda Silva,consumer,Aurora,2027-08-31',
				'not-an-address,Nobody,Analyst,,',
				'boss@office.example.org,Boss,Boss,,',
				'iz.admin@aurora.example.edu,Iz Admin,Project Admin,,',
				'mismatch@aurora.example.edu,Mis Match,Analyst,Office,',
				'stranger@mail.example.com,Stranger,Analyst,,',
				'elsewhere@mail.example.com,Elsewhere,Analyst,Nowhere,',
				'NEW.analyst@office.example.org,Twice,Analyst,,',
				'nia@example.org,Nia,Consumer,,',
				'waiting@office.example.org,Waiting,Analyst,,',
				'past@office.example.org,Past,Analyst,,2026-11-01',
				'bad.date@office.example.org,Bad Date,Analyst,,31/08/2027',
				'existing@office.example.org,Existing,Messenger,Office (Network Zone),',
				'"quoted"broken@office.example.org,Broken,Analyst,,'
			)
		);
		expect(answer.status).toBe(200);
		const body = answer.body as BulkInvitePreview;
		const outcomes = body.rows.map((row) => [row.row, row.outcome, row.code, row.column]);
		expect(outcomes).toEqual([
			[2, 'invite', null, null],
			[3, 'invite', null, null],
			[4, 'refused', 'invalid-email', 'email'],
			[5, 'refused', 'unknown-role', 'role'],
			[6, 'refused', 'iz-user-cannot-be-admin', 'role'],
			[7, 'refused', 'zone-does-not-match-email', 'zone'],
			[8, 'refused', 'zone-needed', 'zone'],
			[9, 'refused', 'unknown-zone', 'zone'],
			[10, 'refused', 'duplicate-row', 'email'],
			[11, 'member', null, null],
			[12, 'invited', null, null],
			[13, 'refused', 'end-date-past', 'end date'],
			[14, 'refused', 'invalid-end-date', 'end date'],
			[15, 'add', null, null],
			[16, 'refused', 'malformed-row', 'email']
		]);
		expect(body.counts).toEqual({ invite: 2, add: 1, member: 1, invited: 1, refused: 10 });
		const row = (n: number) => body.rows.find((each) => each.row === n)!;
		expect(row(2)).toMatchObject({ zoneId: 'nz', role: 'analyst', endsAt: null });
		expect(row(3)).toMatchObject({
			zoneId: 'aurora',
			role: 'consumer',
			endsAt: Date.UTC(2027, 8, 1) - 1
		});
		expect(row(5).message).toBe(
			'"Boss" is not a project role: write Project Admin, Analyst, Consumer (or Messenger).'
		);
		expect(row(6).message).toContain('Project Admins must be Network Zone members');
		expect(row(7).message).toBe(
			'mismatch@aurora.example.edu belongs to Aurora (Institution Zone): invite them into that zone.'
		);
		expect(row(8).message).toContain('No zone of this consortium lists mail.example.com');
		expect(row(10).message).toBe(
			'Row 2 invites new.analyst@office.example.org already: keep one row per person.'
		);
		expect(row(11)).toMatchObject({ role: 'analyst', zoneId: 'nz' });
		expect(row(15)).toMatchObject({ role: 'consumer', zoneId: 'nz' });
		expect(invites()).toHaveLength(before);
		expect(smtp.received).toHaveLength(0);
	});

	it('reads the end date as the last day of access, over at the end of that day in UTC', async () => {
		const answer = await preview(
			'ada',
			csv('summer@office.example.org,Summer,Analyst,,2027-08-31')
		);
		expect(answer.body.rows[0].endsAt).toBe(Date.UTC(2027, 8, 1) - 1);
	});

	it('refuses a file it cannot read as a whole, naming the problem', async () => {
		const noRole = await preview('ada', 'email,name\r\nx@office.example.org,X\r\n');
		expect(noRole.status).toBe(400);
		expect(noRole.body.error.code).toBe('invalid-csv');
		expect(noRole.body.error.problems[0]).toMatchObject({ row: 1, column: null });
		const unknown = await preview('ada', 'email,role,phone\r\n');
		expect(unknown.body.error.problems[0]).toMatchObject({ row: 1, column: 3 });
		const latin1 = new Uint8Array([
			...Buffer.from('email,role\nb'),
			0xe9,
			...Buffer.from('@x.org,Analyst\n')
		]);
		const wrong = await rawRequest(server, 'ada', '/api/projects/p1/invites/csv/preview', {
			method: 'POST',
			body: latin1,
			contentType: 'text/csv'
		});
		expect(wrong.status).toBe(400);
		expect((await wrong.json()).error.problems[0].message).toContain('Wrong encoding');
		const tooMany = await preview(
			'ada',
			csv(...Array.from({ length: 2001 }, (_, i) => `p${i}@office.example.org,,Analyst,,`))
		);
		expect(tooMany.body.error.problems[0].message).toContain('at most 2,000');
		const json = await send(
			'ada',
			'/api/projects/p1/invites/csv/preview',
			'{}',
			'application/json'
		);
		expect(json.status).toBe(415);
	});

	it('answers only the project’s Project Admins', async () => {
		account('outsider', 'outsider@example.org');
		const file = csv('someone@office.example.org,,Analyst,,');
		for (const accountId of ['nia', 'outsider']) {
			const refused = await preview(accountId, file);
			expect(refused.status).toBe(403);
			expect(refused.body.error.code).toBe('not-project-admin');
			const applied = await apply(accountId, file, 'a'.repeat(64));
			expect(applied.body.error.code).toBe('not-project-admin');
		}
		const anonymous = await new TestClient(server).post('/api/projects/p1/invites/csv/preview');
		expect(anonymous.status).toBe(401);
		const elsewhere = await send('ada', '/api/projects/nope/invites/csv/preview', file);
		expect(elsewhere.status).toBe(404);
		expect(invites()).toHaveLength(0);
	});
});

describe('applying a file', () => {
	beforeEach(() => start('network-zone', NETWORK_PEOPLE));

	it('invites and adds everyone as previewed: one change by the admin, real mail, working links', async () => {
		account('exa', 'existing@office.example.org');
		const file = csv(
			'new.analyst@office.example.org,New Analyst,Analyst,,',
			'edda@aurora.example.edu,Edda Silva,Consumer,Aurora,2027-08-31',
			'existing@office.example.org,Existing,Consumer,,',
			'nia@example.org,Nia,Analyst,,'
		);
		const previewed = await preview('ada', file);
		const answer = await apply('ada', file, previewed.body.fingerprint);
		expect(answer.status).toBe(201);
		expect(answer.body.counts).toEqual({ invite: 2, add: 1, member: 1, invited: 0, refused: 0 });
		expect(answer.body.inviteIds).toHaveLength(3);

		// One change, by the admin: the audit log names them for each invitation it added.
		const added = server.app.db
			.prepare(
				`SELECT author_id, subject_email, at FROM audit_log
				 WHERE root = 'invites' AND change_kind = 'add' ORDER BY id`
			)
			.all() as { author_id: string; subject_email: string; at: number }[];
		expect(added.map((row) => [row.author_id, row.subject_email])).toEqual([
			['ada', 'new.analyst@office.example.org'],
			['ada', 'edda@aurora.example.edu'],
			['ada', 'existing@office.example.org']
		]);

		// The invitation mail, as the dialog's: an Accept Invite link that works.
		const mail = await smtp.nextMessageTo('edda@aurora.example.edu');
		expect(mail.subject).toBe('Name of ada invited you to Analytics');
		const token = tokenFromLink(extractLink(mail, '/invite'));
		const accepted = await new TestClient(server).post('/api/invites/accept', {
			token,
			name: 'Edda Silva'
		});
		expect(accepted.status).toBe(200);
		expect(memberByEmail('edda@aurora.example.edu')).toMatchObject({
			role: 'consumer',
			zoneId: 'aurora',
			scope: ['iz-aurora'],
			endsAt: Date.UTC(2027, 8, 1) - 1
		});
		// An address with an account is added at once and told so.
		await eventually(
			() => memberByEmail('existing@office.example.org')?.role === 'consumer',
			'the existing account to be added'
		);
		expect((await smtp.nextMessageTo('existing@office.example.org')).subject).toBe(
			'You were added to Analytics'
		);
		await smtp.nextMessageTo('new.analyst@office.example.org');
	});

	it('applies nothing when a row is refused, and says which rows and why', async () => {
		const file = csv(
			'fine@office.example.org,Fine,Analyst,,',
			'boss@office.example.org,Boss,Boss,,',
			'iz.admin@aurora.example.edu,Iz,Project Admin,,'
		);
		const previewed = await preview('ada', file);
		const answer = await apply('ada', file, previewed.body.fingerprint);
		expect(answer.status).toBe(409);
		expect(answer.body.error.code).toBe('bulk-invite-refused');
		expect(answer.body.error.problems).toEqual([
			{ row: 3, column: 3, message: expect.stringMatching(/^Row 3, role: "Boss"/) },
			{ row: 4, column: 3, message: expect.stringMatching(/^Row 4, role: Institution Zone/) }
		]);
		expect(invites()).toHaveLength(0);
	});

	it('applies nothing when the project changed since the preview', async () => {
		const file = csv(
			'first@office.example.org,First,Analyst,,',
			'later@office.example.org,Later,Analyst,,'
		);
		const previewed = await preview('ada', file);
		expect(previewed.body.counts.invite).toBe(2);
		// Meanwhile someone invites one of them through Invite Users.
		openInvitation('later@office.example.org');
		const changed = await apply('ada', file, previewed.body.fingerprint);
		expect(changed.status).toBe(409);
		expect(changed.body.error.code).toBe('bulk-invite-changed');
		expect(invites()).toHaveLength(1);

		// A row that became refused: the office placed the unknown address's person in Borealis.
		const unlisted = csv('walk.in@mail.example.com,Walk In,Analyst,Aurora,');
		const again = await preview('ada', unlisted);
		expect(again.body.rows[0].outcome).toBe('invite');
		account('walkin', 'walk.in@mail.example.com');
		addZonePerson(server.app.db, 'borealis', 'walkin', 'office', clock.now());
		const refused = await apply('ada', unlisted, again.body.fingerprint);
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({
			code: 'bulk-invite-refused',
			problems: [
				{
					row: 2,
					column: 4,
					message:
						'Row 2, zone or data view: walk.in@mail.example.com belongs to Borealis (Institution Zone): invite them into that zone.'
				}
			]
		});
		expect(invites()).toHaveLength(1);
	});

	it('refuses a fingerprint that is not a preview’s', async () => {
		const answer = await apply('ada', csv('x@office.example.org,,Analyst,,'), 'nope');
		expect(answer.status).toBe(400);
		expect(answer.body.error.fields.fingerprint).toBeDefined();
	});
});

describe('sending limits', () => {
	beforeEach(() =>
		start('network-zone', NETWORK_PEOPLE, {
			invitesPerInviter: { limit: 2, windowMs: 3600_000 },
			invitesByFilePerInviter: { limit: 4, windowMs: DAY }
		})
	);

	it('counts a file once against its own allowance, not each invitation against the hourly one', async () => {
		const three = csv(
			'one@office.example.org,,Analyst,,',
			'two@office.example.org,,Analyst,,',
			'three@office.example.org,,Analyst,,'
		);
		const first = await apply('ada', three, (await preview('ada', three)).body.fingerprint);
		expect(first.status).toBe(201);
		await eventually(
			() => invites().every((invite) => invite.status === 'sent'),
			'all three to be sent, past the hourly limit of 2'
		);
		const two = csv('four@office.example.org,,Analyst,,', 'five@office.example.org,,Analyst,,');
		const over = await apply('ada', two, (await preview('ada', two)).body.fingerprint);
		expect(over.status).toBe(429);
		expect(over.body.error.code).toBe('rate-limited');
		expect(invites()).toHaveLength(3);
	});
});

describe('institution-zone management', () => {
	beforeEach(() =>
		start('institution-zone', [
			{ accountId: 'iza', role: 'admin', zone: 'aurora' },
			{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
		])
	);

	it('lets a library’s admin invite its own people, Project Admins too, and nobody else’s', async () => {
		const answer = await preview(
			'iza',
			csv(
				'new.admin@aurora.example.edu,New Admin,Project Admin,,',
				'b.user@borealis.example.edu,B User,Analyst,,',
				'stranger@mail.example.com,Stranger,Analyst,Office,',
				'local@mail.example.com,Local,Consumer,Aurora,'
			)
		);
		expect(
			answer.body.rows.map((row: { outcome: string; code: string }) => [row.outcome, row.code])
		).toEqual([
			['invite', null],
			['refused', 'zone-not-in-project'],
			['refused', 'unlisted-domain'],
			['invite', null]
		]);
	});
});

describe('copying an invite link', () => {
	beforeEach(() => start('network-zone', NETWORK_PEOPLE));

	async function invitedByFile(email: string): Promise<{ inviteId: string; mailed: string }> {
		const file = csv(`${email},,Analyst,,`);
		const applied = await apply('ada', file, (await preview('ada', file)).body.fingerprint);
		const mailed = tokenFromLink(extractLink(await smtp.nextMessageTo(email), '/invite'));
		return { inviteId: applied.body.inviteIds[0], mailed };
	}

	function copy(accountId: string, inviteId: string): Promise<Answer> {
		return send(accountId, `/api/projects/p1/invites/${inviteId}/link`, '');
	}

	it('gives a fresh link once: single use, a mailed link’s expiry, the mailed one superseded, audited', async () => {
		const { inviteId, mailed } = await invitedByFile('lost.mail@office.example.org');
		clock.advance(DAY);
		const copied = await copy('ada', inviteId);
		expect(copied.status).toBe(201);
		expect(copied.body.expiresAt).toBe(clock.now() + 7 * DAY);
		expect(copied.body.url).toMatch(/\/invite#token=/);
		const token = tokenFromLink(copied.body.url);
		expect(invites()[0]).toMatchObject({ status: 'sent', expiresAt: clock.now() + 7 * DAY });

		const browser = new TestClient(server);
		const old = await browser.post('/api/invites/preview', { token: mailed });
		expect(old.status).toBe(410);
		expect(old.body.error.code).toBe('invite-superseded');
		expect((await browser.post('/api/invites/accept', { token, name: 'Found It' })).status).toBe(
			200
		);
		const again = await new TestClient(server).post('/api/invites/accept', { token, name: 'X' });
		expect(again.body.error.code).toBe('token-used');

		const audit = await (
			await rawRequest(server, 'ada', '/api/projects/p1/audit?root=governance')
		).json();
		expect(audit.entries).toHaveLength(1);
		expect(audit.entries[0].sentence).toBe(
			'Name of ada copied the invite link for lost.mail@office.example.org by hand, as Analyst (Office)'
		);
		// No mail holds the copied link, and no table holds its token.
		expect(smtp.received.some((mail) => mail.text.includes(token))).toBe(false);
		expect(everyStoredText()).not.toContain(token);
	});

	it('answers only the project’s Project Admins, and only for an open invitation', async () => {
		const { inviteId } = await invitedByFile('someone@office.example.org');
		const analyst = await copy('nia', inviteId);
		expect(analyst.status).toBe(403);
		expect(analyst.body.error.code).toBe('admin-only');
		expect((await copy('ada', 'no-such-invite')).status).toBe(404);
		const link = (await copy('ada', inviteId)).body.url as string;
		await new TestClient(server).post('/api/invites/accept', {
			token: tokenFromLink(link),
			name: 'Someone'
		});
		const accepted = await copy('ada', inviteId);
		expect(accepted.status).toBe(409);
		expect(accepted.body.error.code).toBe('invite-accepted');
		const ended = { ...openInvitation('ended@office.example.org'), endsAt: clock.now() - 1 };
		server.app.registry.change(projectDocument('p1'), (roots) =>
			roots.invites.set(ended.id, ended)
		);
		const over = await copy('ada', ended.id);
		expect(over.body.error.code).toBe('access-ended');
		const governance = server.app.db
			.prepare(`SELECT COUNT(*) FROM audit_log WHERE root = 'governance'`)
			.pluck()
			.get();
		expect(governance).toBe(1);
	});

	it('is not open to an embedded session', async () => {
		const { inviteId } = await invitedByFile('embedded@office.example.org');
		const portal = registerTestPortal(server);
		grantPortal(server, portal, 'ada');
		const token = await embeddedToken(server, portal, 'ada@example.org');
		const answer = await fetch(`${server.url}/api/projects/p1/invites/${inviteId}/link`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}`, Origin: server.origin }
		});
		expect(answer.status).toBe(401);
	});
});

/** Every text and blob of every table, as text. */
function everyStoredText(): string {
	const tables = server.app.db
		.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
		.pluck()
		.all() as string[];
	return tables
		.flatMap((table) =>
			(server.app.db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]).map(
				(row) =>
					Object.values(row)
						.map((value) =>
							value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : String(value)
						)
						.join('\n')
			)
		)
		.join('\n');
}
