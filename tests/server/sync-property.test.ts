/**
 * Random schedules of clients going offline and online while issuing allowed and forbidden
 * membership changes, some of them in one update with a write to a root only the server maintains,
 * always end with every remaining member's copy equal to the server's, and the server's state
 * satisfies the membership invariants after every change it accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	findInvariantViolations,
	type InvariantViolation,
	type Member,
	type Role
} from '../../src/lib/shared';
import type { LiveDocument } from '../../server/sync/live-document';
import { SyncClient, setUpProject, startSyncServer, stateOf } from '../support/sync';
import { eventually } from '../support/eventually';

const PEOPLE = ['ada', 'bo', 'nia', 'ian'] as const;
type Person = (typeof PEOPLE)[number];

const STEP = fc.oneof(
	fc.record({ kind: fc.constant('offline' as const), who: fc.constantFrom(...PEOPLE) }),
	fc.record({ kind: fc.constant('online' as const), who: fc.constantFrom(...PEOPLE) }),
	fc.record({
		kind: fc.constant('role' as const),
		who: fc.constantFrom(...PEOPLE),
		target: fc.constantFrom(...PEOPLE),
		role: fc.constantFrom<Role>('admin', 'analyst', 'consumer')
	}),
	fc.record({
		kind: fc.constant('remove' as const),
		who: fc.constantFrom(...PEOPLE),
		target: fc.constantFrom(...PEOPLE)
	}),
	fc.record({
		kind: fc.constant('forge' as const),
		who: fc.constantFrom(...PEOPLE),
		root: fc.constantFrom('settings', 'zones', 'views')
	}),
	fc.record({ kind: fc.constant('settle' as const), ms: fc.integer({ min: 0, max: 15 }) })
);

type Step = typeof STEP extends fc.Arbitrary<infer T> ? T : never;

/**
 * One update that rewrites a server-only root so that a membership change in the same update would
 * pass if judged against it: the project in institution-zone management owned by Aurora, or
 * Aurora relabelled a Network Zone (both would let Aurora's ian be Project Admin), or a data view
 * that is about to be reverted (nia would be left seeing a view that does not exist).
 */
function forge(client: SyncClient, root: 'settings' | 'zones' | 'views'): void {
	if (!client.member('ian') || !client.member('nia')) return;
	client.doc.transact(() => {
		const map = client.map<Record<string, unknown>>(root);
		if (root === 'settings') {
			map.set('project', {
				...map.get('project'),
				mode: 'institution-zone',
				ownerZoneId: 'aurora'
			});
			client.setMember('ian', { role: 'admin', scope: 'all' });
		} else if (root === 'zones') {
			map.set('aurora', { ...map.get('aurora'), kind: 'network' });
			client.setMember('ian', { role: 'admin', scope: 'all' });
		} else {
			map.set('forged', { id: 'forged', name: 'Forged', kind: 'global', zoneId: 'nz' });
			client.setMember('nia', { scope: ['forged'] });
		}
	});
}

async function runSchedule(steps: Step[]): Promise<void> {
	const server = await startSyncServer();
	const clients = new Map<Person, SyncClient>();
	try {
		setUpProject(server, 'network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' },
			{ accountId: 'bo', role: 'admin', zone: 'nz' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' },
			{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
		]);
		// Every state the server reaches through an accepted change keeps the invariants.
		const violations: InvariantViolation[] = [];
		server.app.registry.use({
			name: 'test: invariants',
			onAccepted: (document: LiveDocument) => {
				if (document.name !== 'project/p1') return;
				const members = [...document.root('members').values()] as Member[];
				violations.push(...findInvariantViolations(document.index!, members));
			}
		});
		for (const person of PEOPLE) clients.set(person, new SyncClient(server, person, 'project/p1'));
		await Promise.all([...clients.values()].map((client) => client.synced()));

		for (const step of steps) {
			if (step.kind === 'settle') {
				await new Promise((resolve) => setTimeout(resolve, step.ms));
				continue;
			}
			const client = clients.get(step.who)!;
			if (step.kind === 'offline') client.provider.disconnect();
			else if (step.kind === 'online') client.provider.connect();
			else if (step.kind === 'role' && client.member(step.target))
				client.setMember(step.target, { role: step.role });
			else if (step.kind === 'remove') client.map('members').delete(step.target);
			else if (step.kind === 'forge') forge(client, step.root);
			await new Promise((resolve) => setImmediate(resolve));
			expect(violations).toEqual([]);
		}

		for (const client of clients.values()) client.provider.connect();
		const project = () => server.app.registry.get('project/p1')!;
		const remaining = () =>
			[...clients.values()].filter((client) => project().index!.member(client.accountId));
		await eventually(
			() =>
				remaining().every(
					(client) => client.provider.synced && stateOf(client.doc) === stateOf(project().doc)
				),
			'every remaining member to converge on the server’s state',
			10_000
		);
		expect(violations).toEqual([]);
		const members = [...project().root('members').values()] as Member[];
		expect(findInvariantViolations(project().index!, members)).toEqual([]);
	} finally {
		for (const client of clients.values()) client.destroy();
		await server.close();
	}
}

describe('random schedules of offline clients and refused changes', () => {
	it('always converge on the server’s state, which keeps every invariant', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(STEP, { minLength: 5, maxLength: 30 }), runSchedule),
			{
				numRuns: 30,
				endOnFailure: true
			}
		);
	}, 120_000);
});
