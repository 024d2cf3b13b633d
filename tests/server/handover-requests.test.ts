/**
 * Project Admins over real sockets, in both management modes: a client that writes what the
 * console never would cannot remove or demote another Project Admin; what it can do is ask, with
 * a hand-over request that only the asked admin answers. Accepting steps them down as their own
 * change; the request, the answer and the step-down are in the audit log, and each side is mailed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoverRequest, ManagementMode } from '../../src/lib/shared';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject, startSyncServer } from '../support/sync';

let server: TestServer;
const clients: SyncClient[] = [];

async function connect(accountId: string): Promise<SyncClient> {
	const client = new SyncClient(server, accountId, 'project/p1');
	clients.push(client);
	await client.synced();
	return client;
}

beforeEach(async () => {
	server = await startSyncServer();
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

/** ada and bo are Project Admins: bo of the owner zone in institution-zone management. */
function setUp(mode: ManagementMode): void {
	setUpProject(server, mode, [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: mode === 'network-zone' ? 'nz' : 'aurora' },
		{ accountId: 'cid', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
}

function ask(client: SyncClient, askedOf: string, id = 'h1'): HandoverRequest {
	const request: HandoverRequest = {
		id,
		kind: 'take-over',
		askedBy: client.accountId,
		askedOf,
		stepDownTo: 'analyst',
		message: 'Aurora runs its own project from June.',
		createdAt: Date.now(),
		status: 'pending',
		answeredAt: null,
		reply: null
	};
	client.map('handovers').set(id, request);
	return request;
}

/** What the console writes when the asked admin answers: the answer, and for "accept" the step-down. */
function answer(client: SyncClient, id: string, status: 'accepted' | 'declined', reply: string) {
	const request = client.map<HandoverRequest>('handovers').get(id)!;
	client.doc.transact(() => {
		client.map('handovers').set(id, { ...request, status, answeredAt: Date.now(), reply });
		if (status === 'accepted') client.setMember(request.askedOf, { role: request.stepDownTo });
	});
}

function handover(id = 'h1'): HandoverRequest | undefined {
	return serverValue(server, 'project/p1', 'handovers', id) as HandoverRequest | undefined;
}

/** The audit log's rows of people's changes to a root (the set-up's are the server's). */
function auditOf(root: string): Array<{ author: string; outcome: string; code: string | null }> {
	return server.app.db
		.prepare(
			`SELECT author_id AS author, outcome, reason_code AS code FROM audit_log
			 WHERE document = 'project/p1' AND root = ? AND author_id IS NOT NULL ORDER BY id`
		)
		.all(root) as Array<{ author: string; outcome: string; code: string | null }>;
}

function mailTo(address: string): Array<{ subject: string; text: string }> {
	return server.app.db
		.prepare('SELECT subject, text FROM mail_outbox WHERE to_address = ? ORDER BY id')
		.all(address) as Array<{ subject: string; text: string }>;
}

describe.each(['network-zone', 'institution-zone'] as const)(
	'Project Admins in %s management',
	(mode) => {
		beforeEach(() => setUp(mode));

		it('refuses a hostile admin client removing or demoting another Project Admin, with the reason', async () => {
			const ada = await connect('ada');
			ada.setMember('bo', { role: 'consumer' });
			await eventually(() => ada.verdicts.length === 1, 'the verdict on the demotion');
			ada.map('members').delete('cid');
			await eventually(() => ada.verdicts.length === 2, 'the verdict on the removal');

			expect(ada.verdicts.flatMap((verdict) => verdict.rejected)).toEqual([
				expect.objectContaining({
					key: 'bo',
					code: 'admin-protected',
					message:
						'Only Name of bo can give up their Project Admin role, by stepping down or leaving: a Project Admin cannot demote another Project Admin, only users below Admin. Ask Name of bo with a hand-over request.'
				}),
				expect.objectContaining({
					key: 'cid',
					code: 'admin-protected',
					message: expect.stringContaining('cannot remove another Project Admin')
				})
			]);
			await eventually(
				() => ada.member('bo')?.role === 'admin' && ada.member('cid')?.role === 'admin',
				'both admins back in ada’s copy'
			);
			expect(serverValue(server, 'project/p1', 'members', 'bo')).toMatchObject({ role: 'admin' });
			expect(serverValue(server, 'project/p1', 'members', 'cid')).toMatchObject({ role: 'admin' });
			expect(auditOf('members')).toEqual([
				{ author: 'ada', outcome: 'refused', code: 'admin-protected' },
				{ author: 'ada', outcome: 'refused', code: 'admin-protected' }
			]);
		});

		it('steps the asked admin down when they accept, as their own change, audited and mailed', async () => {
			const ada = await connect('ada');
			const bo = await connect('bo');
			ask(ada, 'bo');
			await eventually(() => bo.map('handovers').has('h1'), 'bo to see the request');
			expect(mailTo('bo@example.org')).toEqual([
				expect.objectContaining({
					subject:
						'Name of ada asks you to let them take over as Project Admin of Analytics, stepping down to Analyst',
					text: expect.stringContaining('Aurora runs its own project from June.')
				})
			]);

			answer(bo, 'h1', 'accepted', 'Gladly.');
			await eventually(() => ada.member('bo')?.role === 'analyst', 'ada to see bo step down');

			expect(bo.verdicts).toEqual([]);
			expect(serverValue(server, 'project/p1', 'members', 'bo')).toMatchObject({
				role: 'analyst',
				updatedBy: 'bo'
			});
			expect(handover()).toMatchObject({ status: 'accepted', reply: 'Gladly.' });
			expect(auditOf('handovers')).toEqual([
				{ author: 'ada', outcome: 'accepted', code: null },
				{ author: 'bo', outcome: 'accepted', code: null }
			]);
			expect(auditOf('members')).toEqual([{ author: 'bo', outcome: 'accepted', code: null }]);
			expect(mailTo('ada@example.org')).toEqual([
				expect.objectContaining({
					subject: 'Name of bo accepted your hand-over request',
					text: expect.stringMatching(/Gladly\.[\s\S]*Name of bo is now Analyst of Analytics\./)
				})
			]);
		});

		it('leaves everything as it was when the asked admin declines', async () => {
			const ada = await connect('ada');
			const bo = await connect('bo');
			ask(ada, 'bo');
			await eventually(() => bo.map('handovers').has('h1'), 'bo to see the request');

			answer(bo, 'h1', 'declined', 'Not before the audit in June.');
			await eventually(
				() => ada.map<HandoverRequest>('handovers').get('h1')?.status === 'declined',
				'ada to see the answer'
			);

			expect(serverValue(server, 'project/p1', 'members', 'bo')).toMatchObject({ role: 'admin' });
			expect(auditOf('members')).toEqual([]);
			expect(mailTo('ada@example.org')).toEqual([
				expect.objectContaining({
					subject: 'Name of bo declined your hand-over request',
					text: expect.stringContaining('Not before the audit in June.')
				})
			]);
		});

		it('lets only the asked admin accept: the asker, a third admin and an Analyst are refused', async () => {
			const ada = await connect('ada');
			ask(ada, 'bo');
			await eventually(() => handover()?.status === 'pending', 'the request on the server');

			for (const accountId of ['ada', 'cid', 'nia']) {
				const other = accountId === 'ada' ? ada : await connect(accountId);
				await eventually(() => other.map('handovers').has('h1'), `${accountId} to see it`);
				answer(other, 'h1', 'accepted', 'Done for you.');
				await eventually(() => other.verdicts.length === 1, `the verdict on ${accountId}`);
				expect(
					other.verdicts[0]!.rejected.map((rejection) => [rejection.root, rejection.code])
				).toEqual([
					['handovers', 'handover-not-yours'],
					['members', accountId === 'nia' ? 'admin-only' : 'admin-protected']
				]);
				other.verdicts.length = 0;
			}
			expect(handover()).toMatchObject({ status: 'pending' });
			expect(serverValue(server, 'project/p1', 'members', 'bo')).toMatchObject({ role: 'admin' });
			expect(mailTo('ada@example.org')).toEqual([]);
		});
	}
);
