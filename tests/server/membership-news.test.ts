/**
 * A person is told what happened to them (server/notices/membership-news.ts): removed from a
 * project or given another role by somebody else, they get one mail and a notice in their user
 * document; moved out of a data view, a notice only. Nobody is told of a change that was refused,
 * or of their own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userDocument, type Member, type Notice } from '../../src/lib/shared';
import { startAuthServer } from '../support/auth';
import { embeddedToken, grantPortal, registerTestPortal } from '../support/embed';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp';
import { SyncClient, setUpProject } from '../support/sync';

let smtp: TestSmtpServer;
let server: TestServer;
const clients: SyncClient[] = [];

beforeEach(async () => {
	smtp = await startSmtpServer();
	server = await startAuthServer({ smtp });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
});

async function connect(accountId: string, options = {}): Promise<SyncClient> {
	const client = new SyncClient(server, accountId, 'project/p1', undefined, options);
	clients.push(client);
	await client.synced();
	return client;
}

function noticesOf(accountId: string): Notice[] {
	return (
		server.app.registry.read(userDocument(accountId), (document) =>
			[...document.root('notices').values()].map((notice) => notice as Notice)
		) ?? []
	);
}

function mailsTo(address: string): ReceivedMail[] {
	return smtp.received.filter((mail) => mail.to.includes(address));
}

/**
 * Mail goes out in the order it was queued: once a later message has arrived, an earlier one would
 * have too. Removing Ned is the marker that everything before it was handled.
 */
async function untilEverythingBeforeIsMailed(ada: SyncClient): Promise<void> {
	ada.map('members').delete('ned');
	await smtp.nextMessageTo('ned@example.org');
}

describe('telling a member what happened to them', () => {
	it('mails a member whose role another admin changed, once, and leaves them a notice', async () => {
		const ada = await connect('ada');
		ada.setMember('nia', { role: 'admin' });

		const mail = await smtp.nextMessageTo('nia@example.org');
		expect(mail.subject).toBe('Your role in Analytics is now Project Admin');
		expect(mail.text).toContain('Hello Name of nia,');
		expect(mail.text).toContain(
			'Name of ada changed your role in Analytics from Analyst to Project Admin. You now manage the project’s users and see every data view.'
		);
		expect(mail.text).toContain(
			'If you think this is a mistake, ask Name of ada (ada@example.org) or another Project Admin of the project.'
		);
		expect(mail.text).toContain(`${server.url}/projects/p1`);
		expect(noticesOf('nia')).toEqual([
			expect.objectContaining({ kind: 'role-changed', projectId: 'p1', text: expect.any(String) })
		]);
		expect(noticesOf('nia')[0]!.text).toContain('Name of ada changed your role in Analytics');

		await untilEverythingBeforeIsMailed(ada);
		expect(mailsTo('nia@example.org')).toHaveLength(1);
		expect(mailsTo('ada@example.org')).toHaveLength(0);
	});

	it('mails a removed member who removed them, and tells them in their user document', async () => {
		const ada = await connect('ada');
		ada.map('members').delete('nia');

		const mail = await smtp.nextMessageTo('nia@example.org');
		expect(mail.subject).toBe('You were removed from Analytics');
		expect(mail.text).toContain(
			'Name of ada removed you from Analytics. It is no longer in your project drop-down.'
		);
		expect(noticesOf('nia')).toEqual([
			expect.objectContaining({
				kind: 'removed-from-project',
				text: 'Name of ada removed you from Analytics. It is no longer in your project drop-down.'
			})
		]);
	});

	it('tells nobody of a refused change', async () => {
		const nia = await connect('nia');
		nia.setMember('ned', { role: 'analyst' });
		nia.map('members').delete('ian');
		await eventually(() => nia.verdicts.length >= 2, 'the refusals');
		expect(nia.member('ned')!.role).toBe('consumer');

		const ada = await connect('ada');
		await untilEverythingBeforeIsMailed(ada);
		console.log(mailsTo('ned@example.org'));
		expect(mailsTo('ned@example.org')).toHaveLength(1);
		expect(mailsTo('ned@example.org')[0]!.subject).toBe('You were removed from Analytics');
		expect(mailsTo('ian@example.org')).toHaveLength(0);
		expect(noticesOf('ian')).toEqual([]);
	});

	it('tells nobody of their own change: stepping down, leaving', async () => {
		const bo = await connect('bo');
		bo.setMember('bo', { role: 'analyst' });
		const nia = await connect('nia');
		nia.map('members').delete('nia');
		await eventually(
			() => server.app.registry.get('project/p1')!.index!.member('nia') === undefined,
			'Nia to have left'
		);
		expect(server.app.registry.get('project/p1')!.index!.member('bo')!.role).toBe('analyst');

		const ada = await connect('ada');
		await untilEverythingBeforeIsMailed(ada);
		expect(mailsTo('bo@example.org')).toHaveLength(0);
		expect(mailsTo('nia@example.org')).toHaveLength(0);
		expect(noticesOf('bo')).toEqual([]);
		expect(noticesOf('nia')).toEqual([]);
	});

	it('tells a member moved out of a data view with a notice, and mails nothing for it', async () => {
		const ada = await connect('ada');
		ada.setMember('nia', { scope: ['iz-aurora'] } as Partial<Member>);
		await eventually(() => noticesOf('nia').length === 1, 'the notice');
		expect(noticesOf('nia')[0]).toMatchObject({
			kind: 'views-changed',
			text: 'Name of ada changed your data views in Analytics. You no longer see the data views Office (all institutions) and Borealis.'
		});

		await untilEverythingBeforeIsMailed(ada);
		expect(mailsTo('nia@example.org')).toHaveLength(0);
	});

	it('says which portal a change came through', async () => {
		const portal = registerTestPortal(server, { name: 'Staff Portal' });
		grantPortal(server, portal, 'ada');
		const token = await embeddedToken(server, portal, 'ada@example.org');
		const ada = await connect('ada', { cookie: '', params: { token } });
		ada.setMember('nia', { role: 'consumer' });

		const mail = await smtp.nextMessageTo('nia@example.org');
		expect(mail.text).toContain(
			'Name of ada via Staff Portal changed your role in Analytics from Analyst to Consumer. You can view reports and boards, but no longer change shared data.'
		);
	});
});
