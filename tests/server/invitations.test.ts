import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	newId,
	userDocument,
	type Invite,
	type ProjectListing,
	type Role
} from '../../src/lib/shared';
import { DEFAULT_AUTH_POLICY } from '../../server/auth/settings';
import { TestClock, createTestAccount, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { extractLink, startSmtpServer, tokenFromLink, type TestSmtpServer } from '../support/smtp';
import { SyncClient, setUpProject } from '../support/sync';
import { addZonePerson } from '../../server/consortium/zone-people';

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
let ada: SyncClient;
const syncClients: SyncClient[] = [];

function queuedInvite(
	email: string,
	role: Role = 'analyst',
	zoneId = 'nz',
	scope: Invite['scope'] = 'all'
): Invite {
	return {
		id: newId(),
		email,
		role,
		zoneId,
		scope,
		invitedBy: 'ada',
		invitedAt: clock.now(),
		sendRequests: 1,
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null
	};
}

function invite(id: string): Invite | undefined {
	return ada.map<Invite>('invites').get(id);
}

async function linkFromInvitation(email: string): Promise<string> {
	return tokenFromLink(extractLink(await smtp.nextMessageTo(email), '/invite'));
}

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.now());
	server = await startAuthServer({ smtp, clock });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
	ada = new SyncClient(server, 'ada', 'project/p1');
	syncClients.push(ada);
	await ada.synced();
});

afterEach(async () => {
	for (const client of syncClients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
});

describe('inviting a new user', () => {
	it('sends Accept Invite, registers through Get Started, signs in and sends a Get Started link', async () => {
		const sent = queuedInvite('new.person@example.org');
		ada.map('invites').set(sent.id, sent);
		const mail = await smtp.nextMessageTo('new.person@example.org');
		expect(mail.subject).toBe('Name of ada invited you to Analytics');
		const token = tokenFromLink(extractLink(mail, '/invite'));
		await eventually(() => invite(sent.id)?.status === 'sent', 'the invitation to show as sent');
		expect(invite(sent.id)!.expiresAt).toBe(clock.now() + 7 * 24 * 3600 * 1000);

		const browser = new TestClient(server);
		const preview = await browser.post('/api/invites/preview', { token });
		expect(preview.status).toBe(200);
		expect(preview.body).toMatchObject({
			email: 'new.person@example.org',
			projectName: 'Analytics',
			roleLabel: 'Analyst',
			inviterName: 'Name of ada',
			accountExists: false
		});

		const accepted = await browser.post('/api/invites/accept', {
			token,
			name: 'New Person',
			password: 'correct horse'
		});
		expect(accepted.status).toBe(200);
		expect(accepted.body).toMatchObject({
			projectId: 'p1',
			account: { email: 'new.person@example.org', name: 'New Person', hasPassword: true }
		});
		expect((await browser.get('/api/auth/session')).body.account.email).toBe(
			'new.person@example.org'
		);

		const getStarted = await smtp.nextMessageTo('new.person@example.org');
		expect(extractLink(getStarted, '/sign-in/link')).toContain('#token=');
		await eventually(
			() => invite(sent.id)?.status === 'accepted',
			'the invitation to show as accepted'
		);
		const accountId = accepted.body.account.id as string;
		expect(ada.member(accountId)).toMatchObject({
			role: 'analyst',
			zoneId: 'nz',
			email: 'new.person@example.org',
			name: 'New Person'
		});
	});

	it('asks for a name before it uses the link up', async () => {
		const sent = queuedInvite('nameless@example.org');
		ada.map('invites').set(sent.id, sent);
		const token = await linkFromInvitation('nameless@example.org');
		const browser = new TestClient(server);
		const refused = await browser.post('/api/invites/accept', { token });
		expect(refused.status).toBe(400);
		expect(refused.body.error.fields.name).toEqual(['Enter your name']);
		expect((await browser.post('/api/invites/accept', { token, name: 'Now Named' })).status).toBe(
			200
		);
	});

	it('tells whoever opens the first link after a Resend that a newer invitation replaced it', async () => {
		const sent = queuedInvite('resend@example.org');
		ada.map('invites').set(sent.id, sent);
		const first = await linkFromInvitation('resend@example.org');
		await eventually(() => invite(sent.id)?.status === 'sent', 'the first sending');
		ada.map('invites').set(sent.id, { ...invite(sent.id)!, sendRequests: 2 });
		const second = await linkFromInvitation('resend@example.org');

		const browser = new TestClient(server);
		const superseded = {
			code: 'invite-superseded',
			message:
				'A newer invitation replaced this one: open the Accept Invite link in the newest invitation email.'
		};
		const old = await browser.post('/api/invites/preview', { token: first });
		expect(old.status).toBe(410);
		expect(old.body.error).toEqual(expect.objectContaining(superseded));
		expect(JSON.stringify(old.body)).not.toContain('resend@example.org');
		const oldAccepted = await browser.post('/api/invites/accept', { token: first, name: 'Old' });
		expect(oldAccepted.status).toBe(410);
		expect(oldAccepted.body.error).toEqual(expect.objectContaining(superseded));
		// Still so once the first link's week is over: it was replaced, not merely late.
		clock.advance(6 * 24 * 3600 * 1000);
		ada.map('invites').set(sent.id, { ...invite(sent.id)!, sendRequests: 3 });
		const third = await linkFromInvitation('resend@example.org');
		clock.advance(2 * 24 * 3600 * 1000);
		expect((await browser.post('/api/invites/preview', { token: first })).body.error.code).toBe(
			'invite-superseded'
		);
		expect((await browser.post('/api/invites/preview', { token: second })).body.error.code).toBe(
			'invite-superseded'
		);

		expect(
			(await browser.post('/api/invites/accept', { token: third, name: 'Re Sent' })).status
		).toBe(200);
		const afterAccepting = await new TestClient(server).post('/api/invites/preview', {
			token: first
		});
		expect(afterAccepting.status).toBe(409);
		expect(afterAccepting.body.error.code).toBe('invite-accepted');
	});

	it('answers a made-up or mangled link the same way, whoever the address belongs to', async () => {
		const sent = queuedInvite('mangled@example.org');
		ada.map('invites').set(sent.id, sent);
		const token = await linkFromInvitation('mangled@example.org');
		const browser = new TestClient(server);
		const mangled = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
		for (const wrong of [mangled, 'a'.repeat(token.length)]) {
			const answer = await browser.post('/api/invites/preview', { token: wrong });
			expect(answer.status).toBe(400);
			expect(answer.body.error.code).toBe('token-invalid');
		}
	});

	it('refuses an expired link with a clear message, and a resend revives the invitation', async () => {
		const sent = queuedInvite('late@example.org');
		ada.map('invites').set(sent.id, sent);
		const token = await linkFromInvitation('late@example.org');
		await eventually(() => invite(sent.id)?.status === 'sent', 'the sending');
		clock.advance(8 * 24 * 3600 * 1000);
		const expired = await new TestClient(server).post('/api/invites/accept', {
			token,
			name: 'Late'
		});
		expect(expired.status).toBe(400);
		expect(expired.body.error).toMatchObject({
			code: 'token-expired',
			message: 'This link has expired. Ask for a new one.'
		});

		ada.map('invites').set(sent.id, { ...invite(sent.id)!, sendRequests: 2 });
		const fresh = await linkFromInvitation('late@example.org');
		expect(
			(await new TestClient(server).post('/api/invites/accept', { token: fresh, name: 'Late' }))
				.status
		).toBe(200);
	});

	it('refuses a link that was already used', async () => {
		const sent = queuedInvite('twice@example.org');
		ada.map('invites').set(sent.id, sent);
		const token = await linkFromInvitation('twice@example.org');
		expect(
			(await new TestClient(server).post('/api/invites/accept', { token, name: 'Once' })).status
		).toBe(200);
		const again = await new TestClient(server).post('/api/invites/accept', {
			token,
			name: 'Twice'
		});
		expect(again.status).toBe(400);
		expect(again.body.error.code).toBe('token-used');
	});

	it('revokes the link when the invitation is revoked', async () => {
		const sent = queuedInvite('revoked@example.org');
		ada.map('invites').set(sent.id, sent);
		const token = await linkFromInvitation('revoked@example.org');
		await eventually(() => invite(sent.id)?.status === 'sent', 'the sending');
		ada.map('invites').delete(sent.id);
		const refused = await eventually(async () => {
			const preview = await new TestClient(server).post('/api/invites/preview', { token });
			return preview.status !== 200 && preview;
		}, 'the revocation');
		expect(refused.status).toBe(410);
		expect(refused.body.error.code).toBe('invite-revoked');
	});

	it('applies the zone rules to the invitation itself: no IZ address as Project Admin', async () => {
		const sent = queuedInvite('iz.admin@aurora.example.edu', 'admin', 'aurora', ['iz-aurora']);
		ada.map('invites').set(sent.id, sent);
		await eventually(() => ada.verdicts.length === 1, 'the verdict');
		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ code: 'iz-user-cannot-be-admin' })
		]);
		await eventually(() => invite(sent.id) === undefined, 'the revert');
		expect(smtp.received.filter((mail) => mail.to.includes('iz.admin@aurora.example.edu'))).toEqual(
			[]
		);
	});
});

describe('the zone of an invited address', () => {
	it('refuses an Institution Zone address invited into the Network Zone, naming its zone', async () => {
		const sent = queuedInvite('Dean@AURORA.example.edu', 'admin', 'nz');
		ada.map('invites').set(sent.id, sent);
		await eventually(() => ada.verdicts.length === 1, 'the verdict');
		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({
				code: 'zone-does-not-match-email',
				message: expect.stringContaining('Aurora (Institution Zone)')
			})
		]);
		await eventually(() => invite(sent.id) === undefined, 'the revert');
		expect(smtp.received.filter((mail) => mail.to.includes('dean@aurora.example.edu'))).toEqual([]);
	});

	it('refuses a person the server knows to be of an Institution Zone, whatever their domain', async () => {
		const ivy = await createTestAccount(server, { email: 'ivy@example.org', name: 'Ivy' });
		addZonePerson(server.app.db, 'aurora', ivy.id, 'office', clock.now());
		const sent = queuedInvite('ivy@example.org', 'admin', 'nz');
		ada.map('invites').set(sent.id, sent);
		await eventually(() => ada.verdicts.length === 1, 'the verdict');
		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ code: 'zone-does-not-match-email' })
		]);
		const fine = queuedInvite('ivy@example.org', 'analyst', 'aurora', ['iz-aurora']);
		ada.map('invites').set(fine.id, fine);
		const member = await eventually(() => ada.member(ivy.id), 'Ivy added, as she has an account');
		expect(member).toMatchObject({ role: 'analyst', zoneId: 'aurora' });
	});
});

describe('inviting someone who already has an account', () => {
	it('adds them to the project at once, tells them, and lists the project in their drop-down', async () => {
		const existing = await createTestAccount(server, {
			email: 'known@example.org',
			name: 'Known Person'
		});
		const userClient = new SyncClient(server, existing.id, userDocument(existing.id));
		syncClients.push(userClient);
		await userClient.synced();

		const sent = queuedInvite('known@example.org', 'consumer');
		ada.map('invites').set(sent.id, sent);
		const mail = await smtp.nextMessageTo('known@example.org');
		expect(mail.subject).toBe('You were added to Analytics');
		await eventually(() => ada.member(existing.id)?.role === 'consumer', 'the membership');
		expect(invite(sent.id)!.status).toBe('accepted');
		await eventually(
			() => userClient.map<ProjectListing>('projects').has('p1'),
			'the project drop-down'
		);
		expect(userClient.map<ProjectListing>('projects').get('p1')).toMatchObject({
			name: 'Analytics',
			role: 'consumer'
		});
	});
});

describe('limits on invitation mail', () => {
	const HOUR = 3_600_000;

	function mailsTo(address: string): number {
		return smtp.received.filter((mail) => mail.to.includes(address)).length;
	}

	/** Asks for one more sending of the invitation, as Resend Invitation does. */
	function resend(id: string): void {
		const current = invite(id)!;
		ada.map('invites').set(id, { ...current, sendRequests: current.sendRequests + 1 });
	}

	it('mails one address five times an hour; the next stays, marked not sent, until a later Resend', async () => {
		const address = 'often@example.org';
		const sent = queuedInvite(address);
		ada.map('invites').set(sent.id, sent);
		await smtp.nextMessageTo(address);
		await eventually(() => invite(sent.id)?.status === 'sent', 'the first sending');
		for (let sending = 2; sending <= 5; sending++) {
			resend(sent.id);
			await smtp.nextMessageTo(address);
		}

		resend(sent.id);
		await eventually(() => invite(sent.id)?.status === 'failed', 'the sixth to be refused');
		expect(invite(sent.id)).toMatchObject({ email: address, sendRequests: 6 });
		expect(invite(sent.id)!.failure).toMatch(
			/^Not sent: this address was sent too many invitations recently\. Resend it in \d+ minutes\.$/
		);
		expect(mailsTo(address)).toBe(5);

		clock.advance(HOUR);
		resend(sent.id);
		const token = await linkFromInvitation(address);
		await eventually(() => invite(sent.id)?.status === 'sent', 'the resend to go out');
		expect(invite(sent.id)!.failure).toBeNull();
		const preview = await new TestClient(server).post('/api/invites/preview', { token });
		expect(preview.status).toBe(200);
	});

	it('mails at most the configured number of invitations per inviting account an hour', async () => {
		for (const client of syncClients.splice(0)) client.destroy();
		await server.close();
		server = await startAuthServer({
			smtp,
			clock,
			policy: {
				rateLimits: {
					...DEFAULT_AUTH_POLICY.rateLimits,
					invitesPerInviter: { limit: 2, windowMs: HOUR }
				}
			}
		});
		setUpProject(server, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
		ada = new SyncClient(server, 'ada', 'project/p1');
		syncClients.push(ada);
		await ada.synced();

		const invites = ['one', 'two', 'three'].map((name) => queuedInvite(`${name}@example.org`));
		for (const queued of invites) ada.map('invites').set(queued.id, queued);
		const third = invites[2]!;
		await eventually(() => invite(third.id)?.status === 'failed', 'the third to be refused');
		expect(invite(third.id)!.failure).toMatch(
			/^Not sent: Name of ada sent too many invitations recently\./
		);
		await smtp.nextMessageTo('one@example.org');
		await smtp.nextMessageTo('two@example.org');
		expect(mailsTo('three@example.org')).toBe(0);

		clock.advance(HOUR);
		resend(third.id);
		await smtp.nextMessageTo('three@example.org');
		await eventually(() => invite(third.id)?.status === 'sent', 'the resend to go out');
	});
});
