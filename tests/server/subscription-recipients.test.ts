/**
 * A board subscription goes only to people who may read its data view, whatever a client sends:
 * a hostile client writing straight into the view's document over a real socket cannot add an
 * address outside the project, nor a member of another data view, and is told why.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, BoardSubscription } from '../../src/lib/shared';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject, startSyncServer } from '../support/sync';
import { signedIn } from '../support/workflows';

const VIEW = 'view/p1/global';
let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

function subscription(id: string, createdBy: string, recipients: string[]): BoardSubscription {
	const now = Date.now();
	return {
		id,
		createdBy,
		createdAt: now,
		updatedBy: createdBy,
		updatedAt: now,
		boardId: 'b1',
		cadence: 'weekly',
		recipients,
		paused: false
	};
}

/** Writes the subscription as the client, and waits for the server's answer: a verdict, or none. */
async function write(client: SyncClient, entry: BoardSubscription) {
	const verdicts = client.verdicts.length;
	client.map('subscriptions').set(entry.id, entry);
	await eventually(
		() =>
			client.verdicts.length > verdicts ||
			JSON.stringify(serverValue(server, VIEW, 'subscriptions', entry.id)) ===
				JSON.stringify(entry),
		'the server’s answer'
	);
	return client.verdicts.slice(verdicts).flatMap((verdict) => verdict.rejected);
}

beforeEach(async () => {
	server = await startSyncServer();
	// Network-zone management: the global view is read by the Network Zone's members; Ian, an
	// Aurora analyst, reads Aurora's view only.
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('the recipients of a board subscription, over sync', () => {
	it('refuses an address outside the project, saying so, and keeps nothing of it', async () => {
		const nia = connect('nia', VIEW);
		await nia.synced();
		const rejected = await write(
			nia,
			subscription('s1', 'nia', ['nia@example.org', 'someone@mail.example.com'])
		);
		expect(rejected).toEqual([
			{
				root: 'subscriptions',
				key: 's1',
				code: 'recipient-without-access',
				message:
					'someone@mail.example.com is not a member of Analytics, so cannot receive boards of the Office (all institutions) data view.'
			}
		]);
		expect(serverValue(server, VIEW, 'subscriptions', 's1')).toBeUndefined();
		await eventually(() => !nia.map('subscriptions').has('s1'), 'the revert on the client');
	});

	it('refuses a member who cannot read the data view, by name', async () => {
		const nia = connect('nia', VIEW);
		await nia.synced();
		const rejected = await write(nia, subscription('s1', 'nia', ['ian@example.org']));
		expect(rejected).toEqual([
			expect.objectContaining({
				code: 'recipient-without-access',
				message:
					'Name of ian cannot read the Office (all institutions) data view, so cannot receive its boards.'
			})
		]);
		expect(serverValue(server, VIEW, 'subscriptions', 's1')).toBeUndefined();
	});

	it('accepts readers of the view, and refuses an edit that adds an outsider to them', async () => {
		const nia = connect('nia', VIEW);
		await nia.synced();
		const readers = subscription('s1', 'nia', ['nia@example.org', 'ada@example.org']);
		expect(await write(nia, readers)).toEqual([]);
		const widened = {
			...readers,
			recipients: [...readers.recipients, 'leak@mail.example.com'],
			updatedAt: readers.updatedAt + 1
		};
		expect(await write(nia, widened)).toEqual([
			expect.objectContaining({
				code: 'recipient-without-access',
				message: expect.stringContaining('leak@mail.example.com is not a member of Analytics')
			})
		]);
		expect(serverValue(server, VIEW, 'subscriptions', 's1')).toEqual(readers);
	});

	it('records the refused attempt, with its reason, in the audit log', async () => {
		const now = Date.now();
		server.app.registry.change(VIEW, (roots) =>
			roots.boards.set('b1', {
				id: 'b1',
				createdBy: 'nia',
				createdAt: now,
				updatedBy: 'nia',
				updatedAt: now,
				name: 'Loans',
				description: '',
				reports: []
			})
		);
		const nia = connect('nia', VIEW);
		await nia.synced();
		await write(nia, subscription('s1', 'nia', ['someone@mail.example.com']));
		const answer = await signedIn(server, 'ada').get(
			'/api/projects/p1/audit?root=subscriptions&outcome=refused'
		);
		const [refusal] = answer.body.entries as AuditEntry[];
		expect(refusal).toMatchObject({
			author: { id: 'nia' },
			code: 'recipient-without-access',
			sentence:
				'Name of nia tried to subscribe someone@mail.example.com to the board Loans (weekly); refused: a recipient may not read this data view'
		});
	});
});
