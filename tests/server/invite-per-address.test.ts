/**
 * Invite Users decides the zone and role of every address on its own; the server decides them
 * again for every invite entry written over sync, whoever wrote it. Here a raw client writes
 * several invitations in one update, as a hostile or broken client could: each entry is judged by
 * itself, the good ones are sent, the others are refused with the policy's reason, reverted and
 * never mailed, and nobody is added to the project by one.
 */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, type Invite, type Role, type Scope } from '../../src/lib/shared';
import { TestClock, createTestAccount, startAuthServer } from '../support/auth';
import { eventually } from '../support/eventually';
import { RawPeer, setEntry, updateOnTopOf } from '../support/hostile';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { setUpProject, type Person } from '../support/sync';

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
const peers: RawPeer[] = [];

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock(Date.now());
	server = await startAuthServer({ smtp, clock });
});

afterEach(async () => {
	for (const peer of peers.splice(0)) await peer.close();
	await server.close();
	await smtp.stop();
});

function invitation(
	invitedBy: string,
	email: string,
	role: Role,
	zoneId: string,
	scope: Scope
): Invite {
	return {
		id: newId(),
		email,
		role,
		zoneId,
		scope,
		invitedBy,
		invitedAt: clock.now(),
		sendRequests: 1,
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null
	};
}

async function connect(accountId: string): Promise<RawPeer> {
	const peer = new RawPeer(server, accountId, 'project/p1');
	peers.push(peer);
	expect(await peer.opened).toBe(true);
	await peer.settle();
	return peer;
}

let nextClientId = 4242;

/** Writes the invitations in one update, as one client's single change. */
async function writeAtOnce(peer: RawPeer, invites: Invite[]): Promise<void> {
	const update = updateOnTopOf(Y.encodeStateAsUpdate(peer.doc), nextClientId++, (doc) => {
		const map = doc.getMap('invites');
		for (const invite of invites) setEntry(map, invite.id, invite);
	});
	peer.sendUpdate(update);
	await peer.settle();
}

function serverInvite(id: string): Invite | undefined {
	return server.app.registry.read('project/p1', (document) => document.root('invites').get(id)) as
		Invite | undefined;
}

function mailsTo(address: string): number {
	return smtp.received.filter((mail) => mail.to.includes(address)).length;
}

function rejectedCodes(peer: RawPeer): Record<string, string> {
	return Object.fromEntries(
		peer.verdicts.flatMap((verdict) => verdict.rejected).map((entry) => [entry.key, entry.code])
	);
}

describe('invite entries written over sync, one address at a time', () => {
	const NETWORK: Person[] = [{ accountId: 'ada', role: 'admin', zone: 'nz' }];

	it('sends the invitation that fits and refuses, by entry, another zone’s address and a role its zone may not hold', async () => {
		setUpProject(server, 'network-zone', NETWORK);
		const ada = await connect('ada');
		const fits = invitation('ada', 'ann@aurora.example.edu', 'analyst', 'aurora', ['iz-aurora']);
		const otherZone = invitation('ada', 'bea@borealis.example.edu', 'analyst', 'aurora', [
			'iz-aurora'
		]);
		const adminOfAurora = invitation('ada', 'cid@aurora.example.edu', 'admin', 'aurora', 'all');
		const wrongView = invitation('ada', 'dag@borealis.example.edu', 'consumer', 'borealis', [
			'iz-aurora'
		]);
		await writeAtOnce(ada, [fits, otherZone, adminOfAurora, wrongView]);

		expect(rejectedCodes(ada)).toEqual({
			[otherZone.id]: 'zone-does-not-match-email',
			[adminOfAurora.id]: 'iz-user-cannot-be-admin',
			[wrongView.id]: 'iz-user-scope'
		});
		await smtp.nextMessageTo('ann@aurora.example.edu');
		await eventually(() => serverInvite(fits.id)?.status === 'sent', 'the invitation that fits');
		for (const refused of [otherZone, adminOfAurora, wrongView]) {
			expect(serverInvite(refused.id)).toBeUndefined();
			expect(ada.doc.getMap('invites').has(refused.id)).toBe(false);
			expect(mailsTo(refused.email)).toBe(0);
		}
	});

	it('refuses to add another consortium’s librarian with an account into a zone the inviter does not answer for', async () => {
		setUpProject(server, 'institution-zone', [
			{ accountId: 'ava', role: 'admin', zone: 'aurora' },
			{ accountId: 'nadia', role: 'admin', zone: 'nz' }
		]);
		const caleb = await createTestAccount(server, {
			email: 'caleb@cove.example.org',
			name: 'Caleb Reader'
		});
		const ava = await connect('ava');
		const asNetworkZone = invitation('ava', 'caleb@cove.example.org', 'admin', 'nz', 'all');
		await writeAtOnce(ava, [asNetworkZone]);
		expect(ava.verdicts.flatMap((verdict) => verdict.rejected)).toEqual([
			expect.objectContaining({
				key: asNetworkZone.id,
				code: 'unlisted-domain',
				message: expect.stringContaining('your own zone, Aurora (Institution Zone)')
			})
		]);
		const nadia = await connect('nadia');
		const asAurora = invitation('nadia', 'caleb@cove.example.org', 'analyst', 'aurora', 'all');
		await writeAtOnce(nadia, [asAurora]);
		expect(rejectedCodes(nadia)).toEqual({ [asAurora.id]: 'unlisted-domain' });

		const members = () =>
			server.app.registry.read('project/p1', (document) => document.root('members').has(caleb.id));
		expect(members()).toBe(false);
		expect(mailsTo('caleb@cove.example.org')).toBe(0);

		// Ava answers for her own zone: Caleb, who has an account, is added to it at once.
		const intoOwnZone = invitation('ava', 'caleb@cove.example.org', 'analyst', 'aurora', 'all');
		await writeAtOnce(ava, [intoOwnZone]);
		await eventually(() => serverInvite(intoOwnZone.id)?.status === 'accepted', 'Caleb added');
		expect(members()).toBe(true);
	});
});
