/**
 * An account's user document is written by the server only: its project drop-down, its notices and
 * its own requests follow changes to project documents. Written for a person who is away, those
 * writes wait in SQL until their document next loads (`DocumentRegistry.writeUserDocument`), so a
 * change to someone's memberships does not load their document; whoever opens it then, a client
 * or the server, finds it as if every write had been made at once.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	NOTICE_LIFETIME_MS,
	newId,
	projectDocument,
	userDocument,
	type Member,
	type Notice,
	type ProjectListing,
	type Role
} from '../../src/lib/shared';
import { findConsortium } from '../../server/consortium/store';
import { createProject, putMember } from '../../server/consortium/projects';
import { TestClock } from '../support/auth';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { SyncClient, setUpProject, startSyncServer } from '../support/sync';

/** `FUZZ_RUNS=500 npx vitest run tests/server/user-document-writes.test.ts` for a longer run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let server: TestServer;
const clock = new TestClock(Date.now());
const clients: SyncClient[] = [];

beforeEach(async () => {
	server = await startSyncServer({ now: clock.now, documents: { unloadAfterMs: 0 } });
	setUpProject(server, 'institution-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'aurora' },
		{ accountId: 'nia', role: 'analyst', zone: 'aurora' }
	]);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

async function connect(accountId: string, documentName: string): Promise<SyncClient> {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	await client.synced();
	return client;
}

function disconnect(client: SyncClient): void {
	clients.splice(clients.indexOf(client), 1);
	client.destroy();
}

/** The rows of the user document's stored log: what loading it and writing to it would add. */
function storedUpdatesOf(accountId: string): number {
	return server.app.db
		.prepare('SELECT count(*) FROM doc_updates WHERE doc = ?')
		.pluck()
		.get(userDocument(accountId)) as number;
}

function waitingWritesOf(accountId: string): number {
	return server.app.db
		.prepare('SELECT count(*) FROM doc_waiting_writes WHERE doc = ?')
		.pluck()
		.get(userDocument(accountId)) as number;
}

function waitingNoticesOf(accountId: string): number {
	return server.app.db
		.prepare("SELECT count(*) FROM doc_waiting_writes WHERE doc = ? AND root = 'notices'")
		.pluck()
		.get(userDocument(accountId)) as number;
}

/** The role a listing waiting for the account's user document gives it in p1, if one waits. */
function waitingRoleOf(accountId: string): Role | undefined {
	const value = server.app.db
		.prepare(
			"SELECT value FROM doc_waiting_writes WHERE doc = ? AND root = 'projects' AND key = 'p1'"
		)
		.pluck()
		.get(userDocument(accountId)) as string | null | undefined;
	return value ? (JSON.parse(value) as ProjectListing).role : undefined;
}

/** Unloading is a timer (after 0 ms here): wait until the registry let the document go. */
async function untilUnloaded(name: string): Promise<void> {
	await eventually(() => server.app.registry.get(name) === undefined, `${name} to unload`);
}

function listingsIn(client: SyncClient): Record<string, Role> {
	return Object.fromEntries(
		[...client.map<ProjectListing>('projects').values()].map((listing) => [
			listing.projectId,
			listing.role
		])
	);
}

describe('writing the user document of a person who is away', () => {
	it('changes the member’s role without loading their document, and lists it once they open it', async () => {
		await untilUnloaded(projectDocument('p1'));
		const before = storedUpdatesOf('nia');
		const ada = await connect('ada', projectDocument('p1'));
		ada.setMember('nia', { role: 'admin' });
		await eventually(() => waitingRoleOf('nia') === 'admin', 'the write to wait for Nia');

		expect(server.app.registry.get(userDocument('nia'))).toBeUndefined();
		expect(storedUpdatesOf('nia')).toBe(before);

		const nia = await connect('nia', userDocument('nia'));
		expect(listingsIn(nia)).toEqual({ p1: 'admin' });
		expect(nia.map<ProjectListing>('projects').get('p1')).toMatchObject({
			name: 'Analytics',
			consortiumName: 'Northern Lights',
			zoneName: 'Aurora'
		});
		expect(waitingWritesOf('nia')).toBe(0);
	});

	it('takes a project out of the drop-down of a member removed while away', async () => {
		const nia = await connect('nia', userDocument('nia'));
		expect(listingsIn(nia)).toEqual({ p1: 'analyst' });
		disconnect(nia);
		await untilUnloaded(userDocument('nia'));

		const ada = await connect('ada', projectDocument('p1'));
		ada.map('members').delete('nia');
		await eventually(() => waitingWritesOf('nia') > 0, 'the removal to wait for Nia');

		const back = await connect('nia', userDocument('nia'));
		expect(listingsIn(back)).toEqual({});
	});

	it('reaches an open user document at once, and keeps nothing waiting for it', async () => {
		const nia = await connect('nia', userDocument('nia'));
		const ada = await connect('ada', projectDocument('p1'));
		ada.setMember('nia', { role: 'consumer' });

		await eventually(() => listingsIn(nia).p1 === 'consumer', 'Nia’s drop-down to follow');
		expect(waitingWritesOf('nia')).toBe(0);
	});

	it('answers the server’s own readers with the writes that waited (the directory)', async () => {
		const ada = await connect('ada', projectDocument('p1'));
		ada.setMember('nia', { role: 'admin' });
		await eventually(() => waitingRoleOf('nia') === 'admin', 'the write to wait for Nia');

		const listed = server.app.registry.read(userDocument('nia'), (document) =>
			[...document.root('projects').values()].map((listing) => listing.role)
		);
		expect(listed).toEqual(['admin']);
		expect(waitingWritesOf('nia')).toBe(0);
	});
});

describe('what could leave a user document without its writes, or the table without bound', () => {
	const setRole = (role: Role) =>
		putMember(server.app.db, server.app.registry, 'p1', {
			accountId: 'nia',
			email: 'nia@example.org',
			name: 'Name of nia',
			role,
			zoneId: 'aurora'
		});
	const listedRole = () =>
		server.app.registry.read(
			userDocument('nia'),
			(document) => document.root('projects').get('p1')?.role
		);

	it('makes a write made while the user document loads a slice at a time', async () => {
		const opening = server.app.registry.open(userDocument('nia'));
		expect(server.app.registry.get(userDocument('nia'))).toBeUndefined();
		setRole('consumer');
		const document = (await opening)!;
		expect(document.root('projects').get('p1')?.role).toBe('consumer');
		expect(waitingWritesOf('nia')).toBe(0);
		server.app.registry.release(document);
	});

	it('keeps the writes waiting, and drops the document, when its load is part of a change that fails', async () => {
		const { registry } = server.app;
		expect(listedRole()).toBe('analyst');
		await untilUnloaded(userDocument('nia'));
		// A new name: the listing written is the one the document has already.
		registry.change(projectDocument('p1'), (roots) =>
			roots.members.set('nia', { ...roots.members.get('nia')!, name: 'Nia N.' })
		);
		expect(waitingRoleOf('nia')).toBe('analyst');
		expect(() =>
			registry.change(projectDocument('p1'), () => {
				registry.read(userDocument('nia'), () => undefined);
				throw new Error('a later step of the change fails');
			})
		).toThrow('a later step');
		expect(registry.get(userDocument('nia'))).toBeUndefined();
		setRole('consumer');
		expect(listedRole()).toBe('consumer');
	});

	it('drops a waiting write to a root the document does not have, or whose value is not JSON, and loads', () => {
		const insert = server.app.db.prepare(
			'INSERT INTO doc_waiting_writes VALUES (?, ?, ?, ?, NULL)'
		);
		insert.run(userDocument('nia'), 'legacyRoot', 'k', '1');
		insert.run(userDocument('nia'), 'projects', 'p9', '{"projectId": "p9", ');
		expect(listedRole()).toBe('analyst');
		expect(
			server.app.registry.read(userDocument('nia'), (document) => [
				...document.root('projects').keys()
			])
		).toEqual(['p1']);
		expect(waitingWritesOf('nia')).toBe(0);
	});

	it('adds nothing to an open user document’s log for a write of the value it holds', async () => {
		const nia = await connect('nia', userDocument('nia'));
		const before = storedUpdatesOf('nia');
		// A new name: the member entry changes, the listing written is the one Nia has.
		server.app.registry.change(projectDocument('p1'), (roots) =>
			roots.members.set('nia', { ...roots.members.get('nia')!, name: 'Nia N.' })
		);
		expect(listingsIn(nia)).toEqual({ p1: 'analyst' });
		expect(storedUpdatesOf('nia')).toBe(before);
		expect(waitingWritesOf('nia')).toBe(0);
	});

	it('loads the document instead of keeping more than a bounded number of writes for it', () => {
		for (let index = 0; index < 450; index++)
			server.app.registry.writeUserDocument('nia', [
				{ root: 'requests', key: newId(), value: undefined, expiresAt: null }
			]);
		expect(waitingWritesOf('nia')).toBeLessThanOrEqual(200);
		expect(listedRole()).toBe('analyst');
	});
});

describe('notices of a person who is away', () => {
	it('shows a notice left while they were away, and lets one older than its lifetime go', async () => {
		const ada = await connect('ada', projectDocument('p1'));
		ada.setMember('nia', { role: 'consumer' });
		await eventually(() => waitingWritesOf('nia') >= 2, 'the notice and the listing to wait');

		const nia = await connect('nia', userDocument('nia'));
		const kinds = () => [...nia.map<Notice>('notices').values()].map((notice) => notice.kind);
		expect(kinds()).toEqual(['role-changed']);
		disconnect(nia);
		await untilUnloaded(userDocument('nia'));

		ada.setMember('nia', { role: 'analyst' });
		await eventually(() => waitingWritesOf('nia') >= 2, 'the second notice to wait');
		clock.advance(NOTICE_LIFETIME_MS + 60_000);
		ada.setMember('nia', { role: 'admin' });
		await eventually(() => waitingRoleOf('nia') === 'admin', 'the third notice to wait');
		expect(waitingNoticesOf('nia')).toBe(1);

		const later = await connect('nia', userDocument('nia'));
		const notices = [...later.map<Notice>('notices').values()];
		expect(notices).toHaveLength(1);
		expect(notices[0]!.text).toContain('from Analyst to Project Admin');
		expect(listingsIn(later)).toEqual({ p1: 'admin' });
	});
	it('lets notices older than their lifetime go when a notice is written into an open user document', () => {
		const { registry } = server.app;
		const nia = registry.acquire(userDocument('nia'))!;
		const old: Notice = {
			id: newId(),
			at: clock.now() - NOTICE_LIFETIME_MS - 60_000,
			kind: 'request-decided',
			projectId: 'p1',
			text: 'An old notice.'
		};
		registry.change(userDocument('nia'), (roots) => roots.notices.set(old.id, old));
		registry.change(
			projectDocument('p1'),
			(roots) => roots.members.set('nia', { ...roots.members.get('nia')!, role: 'consumer' }),
			'ada'
		);
		const kinds = [...nia.root('notices').values()].map((notice) => notice.kind);
		expect(kinds).toEqual(['role-changed']);
		registry.release(nia);
	});

	it('lets notices older than their lifetime go when the user document loads, and keeps the rest', async () => {
		const notice = (id: string, age: number): Notice => ({
			id,
			at: clock.now() - age,
			kind: 'request-decided',
			projectId: 'p1',
			text: 'An earlier notice.'
		});
		const old = notice('0b7f2c1e-4d3a-4e5f-8a6b-7c8d9e0f1a2b', NOTICE_LIFETIME_MS + 60_000);
		const recent = notice('1c8a3d2f-5e4b-4f6a-9b7c-8d9e0f1a2b3c', 60_000);
		server.app.registry.change(userDocument('nia'), (roots) => {
			roots.notices.set(old.id, old);
			roots.notices.set(recent.id, recent);
		});
		await untilUnloaded(userDocument('nia'));

		const nia = await connect('nia', userDocument('nia'));
		expect([...nia.map<Notice>('notices').keys()]).toEqual([recent.id]);
	});
});

describe('the drop-down follows any sequence of changes, whatever was loaded when', () => {
	/**
	 * Generative: member changes on two projects, made by the server, interleaved with people
	 * opening and leaving their user documents (held, or let go and unloaded). At the end every
	 * user document lists exactly the projects its account is a member of, with its role there.
	 */
	const PEOPLE = ['ada', 'nia', 'ned', 'ian'] as const;
	const PROJECTS = ['p1', 'p2'] as const;
	type Step =
		| { kind: 'put'; person: (typeof PEOPLE)[number]; project: string; role: Role }
		| { kind: 'remove'; person: (typeof PEOPLE)[number]; project: string }
		| { kind: 'hold'; person: (typeof PEOPLE)[number] }
		| { kind: 'let go'; person: (typeof PEOPLE)[number] };
	const person = fc.constantFrom(...PEOPLE);
	const project = fc.constantFrom(...PROJECTS);
	const step: fc.Arbitrary<Step> = fc.oneof(
		fc.record({
			kind: fc.constant('put' as const),
			person,
			project,
			role: fc.constantFrom<Role>('admin', 'analyst', 'consumer')
		}),
		fc.record({ kind: fc.constant('remove' as const), person, project }),
		fc.record({ kind: fc.constant('hold' as const), person }),
		fc.record({ kind: fc.constant('let go' as const), person })
	);

	it('lists exactly the memberships, with their roles', async () => {
		const consortiumId = server.app.db.prepare('SELECT id FROM consortia').pluck().get() as string;
		createProject(
			server.app.db,
			server.app.registry,
			findConsortium(server.app.db, consortiumId)!,
			{
				id: 'p2',
				name: 'Borealis analytics',
				ownerZoneId: 'borealis'
			}
		);
		const { registry } = server.app;
		await fc.assert(
			fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
				const held = new Map<string, ReturnType<typeof registry.acquire<`user/${string}`>>>();
				for (const accountId of PEOPLE)
					for (const projectId of PROJECTS)
						registry.change(projectDocument(projectId), (roots) => roots.members.delete(accountId));
				for (const next of steps) {
					if (next.kind === 'put')
						putMember(server.app.db, registry, next.project, {
							accountId: next.person,
							email: `${next.person}@example.org`,
							name: `Name of ${next.person}`,
							role: next.role,
							zoneId: next.project === 'p1' ? 'aurora' : 'borealis'
						});
					if (next.kind === 'remove')
						registry.change(projectDocument(next.project), (roots) =>
							roots.members.delete(next.person)
						);
					if (next.kind === 'hold' && !held.has(next.person))
						held.set(next.person, registry.acquire(userDocument(next.person)));
					if (next.kind === 'let go' && held.has(next.person)) {
						registry.release(held.get(next.person)!);
						held.delete(next.person);
						await untilUnloaded(userDocument(next.person));
					}
				}
				for (const document of held.values()) registry.release(document!);
				for (const accountId of PEOPLE) {
					const expected = Object.fromEntries(
						PROJECTS.flatMap((projectId) => {
							const member = registry.read(projectDocument(projectId), (document) =>
								document.root('members').get(accountId)
							) as Member | undefined;
							return member ? [[projectId, member.role]] : [];
						})
					);
					const listed = registry.read(userDocument(accountId), (document) =>
						Object.fromEntries(
							[...document.root('projects').values()].map((listing) => [
								listing.projectId,
								listing.role
							])
						)
					);
					expect(listed).toEqual(expected);
				}
			}),
			{ numRuns: RUNS, seed: SEED }
		);
	});
});
