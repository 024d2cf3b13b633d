import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject, startSyncServer, stateOf } from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName = 'project/p1'): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

beforeEach(async () => {
	server = await startSyncServer();
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('several admins editing membership at once', () => {
	beforeEach(() => {
		setUpProject(server, 'network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' },
			{ accountId: 'bo', role: 'admin', zone: 'nz' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' },
			{ accountId: 'ned', role: 'consumer', zone: 'nz' },
			{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
		]);
	});

	it('lands both changes everywhere when two Project Admins change different members at the same time', async () => {
		const ada = connect('ada');
		const bo = connect('bo');
		const nia = connect('nia');
		await Promise.all([ada.synced(), bo.synced(), nia.synced()]);

		ada.setMember('nia', { role: 'consumer' });
		bo.setMember('ned', { role: 'analyst' });

		for (const client of [ada, bo, nia]) {
			await eventually(
				() => client.member('nia')?.role === 'consumer' && client.member('ned')?.role === 'analyst',
				`${client.accountId} to see both changes`
			);
		}
		expect(serverValue(server, 'project/p1', 'members', 'nia')).toMatchObject({
			role: 'consumer',
			updatedBy: 'ada'
		});
		expect(serverValue(server, 'project/p1', 'members', 'ned')).toMatchObject({
			role: 'analyst',
			updatedBy: 'bo'
		});
		expect([...ada.verdicts, ...bo.verdicts]).toEqual([]);
	});

	it('refuses two Project Admins demoting each other at the same time, with the reason, and keeps both', async () => {
		const ada = connect('ada');
		const bo = connect('bo');
		const nia = connect('nia');
		await Promise.all([ada.synced(), bo.synced(), nia.synced()]);

		ada.setMember('bo', { role: 'analyst' });
		bo.setMember('ada', { role: 'analyst' });

		await eventually(() => ada.verdicts.length + bo.verdicts.length === 2, 'two verdicts');
		await eventually(
			() => stateOf(ada.doc) === stateOf(bo.doc) && stateOf(bo.doc) === stateOf(nia.doc),
			'convergence'
		);
		expect([ada.member('ada')!.role, ada.member('bo')!.role]).toEqual(['admin', 'admin']);
		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({
				root: 'members',
				key: 'bo',
				code: 'admin-protected',
				message: expect.stringContaining('Ask Name of bo with a hand-over request')
			})
		]);
	});

	it('lets exactly one of two Project Admins step down when both do at the same time', async () => {
		const ada = connect('ada');
		const bo = connect('bo');
		const nia = connect('nia');
		await Promise.all([ada.synced(), bo.synced(), nia.synced()]);

		ada.setMember('ada', { role: 'analyst' });
		bo.setMember('bo', { role: 'analyst' });

		await eventually(() => ada.verdicts.length + bo.verdicts.length === 1, 'one verdict');
		await eventually(
			() => stateOf(ada.doc) === stateOf(bo.doc) && stateOf(bo.doc) === stateOf(nia.doc),
			'convergence'
		);
		const roles = [ada.member('ada')!.role, ada.member('bo')!.role].sort();
		expect(roles).toEqual(['admin', 'analyst']);
		const loser = ada.verdicts.length === 1 ? ada : bo;
		expect(loser.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ root: 'members', code: 'last-admin' })
		]);
	});
});

describe('changes the policy refuses', () => {
	beforeEach(() => {
		setUpProject(server, 'network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' },
			{ accountId: 'ned', role: 'consumer', zone: 'nz' },
			{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
		]);
	});

	it('refuses an Institution Zone user making themselves or anyone Project Admin, unseen by others', async () => {
		const ian = connect('ian');
		const ada = connect('ada');
		await Promise.all([ian.synced(), ada.synced()]);
		const seenByAda: string[] = [];
		ada
			.map('members')
			.observe((event) =>
				event.keysChanged.forEach((key) =>
					seenByAda.push(`${key}:${JSON.stringify(ada.member(key))}`)
				)
			);

		ian.setMember('ian', { role: 'admin' });
		ian.setMember('ned', { role: 'admin' });

		await eventually(() => ian.verdicts.length === 2, 'a verdict for each change');
		expect(
			ian.verdicts
				.flatMap((verdict) => verdict.rejected.map((rejection) => [rejection.key, rejection.code]))
				.sort()
		).toEqual([
			['ian', 'admin-only'],
			['ned', 'admin-only']
		]);
		await eventually(
			() => ian.member('ian')?.role === 'analyst' && ian.member('ned')?.role === 'consumer',
			'the revert'
		);
		expect(serverValue(server, 'project/p1', 'members', 'ian')).toMatchObject({ role: 'analyst' });
		expect(
			seenByAda.filter((entry) => entry.includes('"admin"') && !entry.startsWith('ada'))
		).toEqual([]);
	});

	it('refuses an Analyst deleting a member, telling her before the member comes back', async () => {
		const nia = connect('nia');
		await nia.synced();
		nia.map('members').delete('ned');
		await eventually(() => nia.verdicts.length === 1, 'the verdict');
		expect(nia.membersAtVerdict[0]).not.toHaveProperty('ned');
		expect(nia.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ key: 'ned', code: 'admin-only' })
		]);
		await eventually(() => nia.member('ned') !== undefined, 'the member to come back');
		expect(serverValue(server, 'project/p1', 'members', 'ned')).toMatchObject({ role: 'consumer' });
	});

	it('refuses writes to what the server maintains', async () => {
		const ada = connect('ada');
		await ada.synced();
		ada.map('settings').set('project', { hacked: true });
		await eventually(() => ada.verdicts.length === 1, 'the verdict');
		expect(ada.verdicts[0]!.rejected).toEqual([
			expect.objectContaining({ root: 'settings', code: 'server-only' })
		]);
		expect(serverValue(server, 'project/p1', 'settings', 'project')).toMatchObject({
			name: 'Analytics'
		});
	});
});

/**
 * A write to a server-only root is refused, but it sits in the server's copy until the revert:
 * the rest of its update must still be judged against the project as it stood before.
 */
describe('server-only writes in the same update as membership changes', () => {
	it('keeps another Project Admin protected when the same update switches the management mode', async () => {
		setUpProject(server, 'institution-zone', [
			{ accountId: 'ava', role: 'admin', zone: 'aurora' },
			{ accountId: 'nadia', role: 'admin', zone: 'aurora' }
		]);
		const ava = connect('ava');
		await ava.synced();

		ava.doc.transact(() => {
			const settings = ava.map<Record<string, unknown>>('settings');
			settings.set('project', { ...settings.get('project'), mode: 'network-zone' });
			ava.map('members').delete('nadia');
		});

		await eventually(() => ava.verdicts.length === 1, 'the verdict');
		expect(
			ava.verdicts[0]!.rejected.map((rejection) => [rejection.root, rejection.code]).sort()
		).toEqual([
			['members', 'admin-protected'],
			['settings', 'server-only']
		]);
		await eventually(() => ava.member('nadia') !== undefined, 'nadia to come back');
		expect(serverValue(server, 'project/p1', 'members', 'nadia')).toMatchObject({ role: 'admin' });
		expect(serverValue(server, 'project/p1', 'settings', 'project')).toMatchObject({
			mode: 'institution-zone'
		});
	});

	it('keeps an Institution Zone user from Project Admin when the same update relabels their zone', async () => {
		setUpProject(server, 'network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' },
			{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
		]);
		const ada = connect('ada');
		const ian = connect('ian');
		await Promise.all([ada.synced(), ian.synced()]);

		ada.doc.transact(() => {
			const zones = ada.map<Record<string, unknown>>('zones');
			zones.set('aurora', { ...zones.get('aurora'), kind: 'network' });
			ada.setMember('ian', { role: 'admin', scope: 'all' });
		});

		await eventually(() => ada.verdicts.length === 1, 'the verdict');
		expect(
			ada.verdicts[0]!.rejected.map((rejection) => [rejection.root, rejection.code]).sort()
		).toEqual([
			['members', 'iz-user-cannot-be-admin'],
			['zones', 'server-only']
		]);
		await eventually(
			() => ada.member('ian')?.role === 'analyst' && stateOf(ada.doc) === stateOf(ian.doc),
			'the revert everywhere'
		);
		expect(serverValue(server, 'project/p1', 'members', 'ian')).toMatchObject({
			role: 'analyst',
			scope: ['iz-aurora']
		});
		expect(serverValue(server, 'project/p1', 'zones', 'aurora')).toMatchObject({
			kind: 'institution'
		});
	});
});
