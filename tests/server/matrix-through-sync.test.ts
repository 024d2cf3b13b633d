/**
 * Every row of the permission matrix, for every role, tried by a real client through the sync
 * server: allowed changes land on the server and on another client, refused ones come back with
 * the expected reason, are reverted on their author's client, leave the server unchanged and are
 * never seen by another client. "Only the creator" and "for self only" are
 * tried from several angles. (Download CSV in Lexicon is an HTTP request, tested with the API.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	OFFICE_INVITER,
	PERMISSION_MATRIX,
	privateDocument,
	ROLES,
	type Cell,
	type Role
} from '../../src/lib/shared';
import type { TestServer } from '../support/server';
import { SyncClient, serverValue, setUpProject, startSyncServer } from '../support/sync';
import { eventually } from '../support/eventually';

let server: TestServer;
const clients = new Map<string, SyncClient>();
const VIEW = 'view/p1/global';
const ACTOR: Record<Role, string> = { admin: 'ada', analyst: 'nia', consumer: 'ned' };
let sequence = 0;

function stamp(author: string, id = `e${++sequence}`) {
	return { id, createdBy: author, createdAt: 1, updatedBy: author, updatedAt: 1 };
}

/** An entry written by the server on someone else's behalf, for edits and deletions. */
function seed(root: string, entry: Record<string, unknown>): void {
	server.app.registry.read(VIEW, (document) =>
		document.change(() => document.root(root).set(entry.id as string, entry))
	);
}

const lexiconEntry = (id: string) => ({
	...stamp(OFFICE_INVITER, id),
	kind: 'property',
	name: `prop ${id}`,
	description: '',
	hidden: false,
	tags: [],
	lookupTableId: null,
	mergedInto: null
});

interface Attempt {
	root: string;
	key: string;
	after: unknown;
	document?: string;
}

/** The concrete change that exercises a row, for an actor. */
function attemptFor(action: string, actor: string): Attempt {
	const id = `e${++sequence}`;
	const mine = stamp(actor, id);
	switch (action) {
		case 'userProfile.createEdit':
			return {
				root: 'userProfiles',
				key: id,
				after: { ...mine, distinctId: id, name: 'P', email: '', properties: {} }
			};
		case 'userProfile.delete':
			seed('userProfiles', {
				...stamp('bo', id),
				distinctId: id,
				name: 'P',
				email: '',
				properties: {}
			});
			return { root: 'userProfiles', key: id, after: undefined };
		case 'board.createView':
			return {
				root: 'boards',
				key: id,
				after: { ...mine, name: 'B', description: '', reports: [] }
			};
		case 'subscription.create':
			return {
				root: 'subscriptions',
				key: id,
				after: {
					...mine,
					boardId: 'b',
					cadence: 'weekly',
					recipients: [`${actor}@example.org`],
					paused: false
				}
			};
		case 'subscription.edit': {
			const theirs = {
				...stamp('bo', id),
				boardId: 'b',
				cadence: 'weekly',
				recipients: ['bo@example.org'],
				paused: false
			};
			seed('subscriptions', theirs);
			return {
				root: 'subscriptions',
				key: id,
				after: { ...theirs, cadence: 'daily', updatedBy: actor }
			};
		}
		case 'customEvent.createEdit':
			return {
				root: 'customEvents',
				key: id,
				after: { ...mine, name: 'C', description: '', events: ['a'] }
			};
		case 'savedBehavior.createEdit':
			return {
				root: 'savedBehaviors',
				key: id,
				after: { ...mine, name: 'S', description: '', definition: 'a then b' }
			};
		case 'savedFormula.createEdit':
			return {
				root: 'savedFormulas',
				key: id,
				after: { ...mine, name: 'F', description: '', formula: 'A / B' }
			};
		case 'customProperty.createEdit':
			return {
				root: 'customProperties',
				key: id,
				after: { ...mine, name: 'P', description: '', resource: 'event', formula: 'x' }
			};
		case 'borrowedProperty.createEdit':
			return {
				root: 'borrowedProperties',
				key: id,
				after: {
					...mine,
					name: 'BP',
					description: '',
					sourceEvent: 'a',
					sourceProperty: 'b',
					targetEvent: 'c'
				}
			};
		case 'lexicon.mapLookupTable':
		case 'lexicon.hideData':
		case 'lexicon.editDescription':
		case 'lexicon.addTags':
		case 'lexicon.mergeData': {
			const entry = lexiconEntry(id);
			seed('lexicon', entry);
			const patch = {
				'lexicon.mapLookupTable': { lookupTableId: 'table' },
				'lexicon.hideData': { hidden: true },
				'lexicon.editDescription': { description: 'New words' },
				'lexicon.addTags': { tags: ['core'] },
				'lexicon.mergeData': { mergedInto: 'other' }
			}[action];
			return {
				root: 'lexicon',
				key: id,
				after: { ...entry, ...patch, updatedBy: actor, updatedAt: 2 }
			};
		}
		case 'lexicon.dropData':
			seed('lexicon', lexiconEntry(id));
			return { root: 'lexicon', key: id, after: undefined };
		case 'lookupTable.upload':
			return {
				root: 'lookupTables',
				key: id,
				after: { ...mine, name: 'T', columns: ['code', 'label'], rows: [['a', 'A']] }
			};
		default:
			throw new Error(`No attempt for ${action}`);
	}
}

function clientFor(accountId: string, document: string): SyncClient {
	const name = `${accountId}:${document}`;
	let client = clients.get(name);
	if (!client) {
		client = new SyncClient(server, accountId, document);
		clients.set(name, client);
	}
	return client;
}

type Outcome = { landed: true } | { landed: false; code: string };

/**
 * Who else watches the document while a change is tried: another Project Admin for the shared
 * view, the owner's other device for a private document (nobody else may open it).
 */
function observerOf(document: string): SyncClient {
	const owner = document.startsWith('private/') ? document.split('/').at(-1)! : 'bo';
	const name = `observer:${document}`;
	let observer = clients.get(name);
	if (!observer) {
		observer = new SyncClient(server, owner, document);
		clients.set(name, observer);
	}
	return observer;
}

/**
 * Makes the change as `accountId` and waits for the server's answer. A change that lands must
 * reach the observer too; a refused one must leave the server as it was, come back reverted on
 * the author's client, and never be seen by the observer.
 */
async function attempt(accountId: string, change: Attempt): Promise<Outcome> {
	const document = change.document ?? VIEW;
	const client = clientFor(accountId, document);
	const observer = observerOf(document);
	await Promise.all([client.synced(), observer.synced()]);
	const before = JSON.stringify(serverValue(server, document, change.root, change.key));
	// An edit or deletion needs the seeded entry on both clients first.
	const seeded = before !== undefined;
	await eventually(
		() =>
			!seeded ||
			(client.map(change.root).has(change.key) && observer.map(change.root).has(change.key)),
		'the seed to arrive'
	);
	const seenByObserver: string[] = [];
	const watched = observer.map(change.root);
	const watch = () => seenByObserver.push(JSON.stringify(watched.get(change.key)));
	watched.observe(watch);
	try {
		const verdicts = client.verdicts.length;
		if (change.after === undefined) client.map(change.root).delete(change.key);
		else client.map(change.root).set(change.key, change.after);
		const expected = JSON.stringify(change.after);
		await eventually(
			() =>
				client.verdicts.length > verdicts ||
				JSON.stringify(serverValue(server, document, change.root, change.key)) === expected,
			'the server’s answer'
		);
		if (client.verdicts.length === verdicts) {
			await eventually(
				() => JSON.stringify(watched.get(change.key)) === expected,
				'the change to reach the observer'
			);
			return { landed: true };
		}
		expect(JSON.stringify(serverValue(server, document, change.root, change.key))).toBe(before);
		await eventually(
			() => JSON.stringify(client.map(change.root).get(change.key)) === before,
			'the refused change to be reverted on its author’s client'
		);
		if (expected !== before) expect(seenByObserver).not.toContain(expected);
		return { landed: false, code: client.verdicts.at(-1)!.rejected[0]!.code };
	} finally {
		watched.unobserve(watch);
	}
}

const EXPECTED_REFUSAL: Record<
	Exclude<Cell, 'yes'>,
	(row: (typeof PERMISSION_MATRIX)[number]) => string
> = {
	no: (row) =>
		Object.values(row.cells).every((cell) => cell === 'no')
			? 'not-available'
			: 'role-not-permitted',
	creator: () => 'creator-only',
	self: () => 'self-only'
};

beforeAll(async () => {
	server = await startSyncServer();
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
});

afterAll(async () => {
	for (const client of clients.values()) client.destroy();
	await server.close();
});

const DOCUMENT_ROWS = PERMISSION_MATRIX.filter((row) => row.action !== 'lexicon.downloadCsv');

describe('the permission matrix through the sync server', () => {
	it('covers 17 rows in documents (the 18th, Download CSV, is an HTTP request)', () => {
		expect(DOCUMENT_ROWS).toHaveLength(17);
	});

	describe.each(DOCUMENT_ROWS.flatMap((row) => ROLES.map((role) => ({ row, role }))))(
		'$row.label as $role',
		({ row, role }) => {
			it(`is ${row.cells[role]}`, async () => {
				const actor = ACTOR[role];
				const change = attemptFor(row.action, actor);
				const outcome = await attempt(actor, change);
				const cell = row.cells[role];
				if (cell === 'yes') expect(outcome).toEqual({ landed: true });
				else expect(outcome).toEqual({ landed: false, code: EXPECTED_REFUSAL[cell](row) });
			});
		}
	);
});

describe('only the creator, from several angles', () => {
	it('refuses a Project Admin editing an Analyst’s subscription, and lets the Analyst edit it', async () => {
		const subscription = {
			...stamp('nia'),
			boardId: 'b',
			cadence: 'weekly',
			recipients: ['nia@example.org'],
			paused: false
		};
		expect(
			await attempt('nia', { root: 'subscriptions', key: subscription.id, after: subscription })
		).toEqual({ landed: true });
		expect(
			await attempt('ada', {
				root: 'subscriptions',
				key: subscription.id,
				after: { ...subscription, paused: true, updatedBy: 'ada' }
			})
		).toEqual({ landed: false, code: 'creator-only' });
		expect(
			await attempt('nia', {
				root: 'subscriptions',
				key: subscription.id,
				after: { ...subscription, paused: true, updatedBy: 'nia' }
			})
		).toEqual({ landed: true });
	});

	it('lets a Project Admin end an Analyst’s subscription, but not an Analyst end an admin’s', async () => {
		const analysts = {
			...stamp('nia'),
			boardId: 'b',
			cadence: 'weekly',
			recipients: ['nia@example.org'],
			paused: false
		};
		await attempt('nia', { root: 'subscriptions', key: analysts.id, after: analysts });
		expect(
			await attempt('ada', { root: 'subscriptions', key: analysts.id, after: undefined })
		).toEqual({ landed: true });
		const admins = {
			...stamp('ada'),
			boardId: 'b',
			cadence: 'weekly',
			recipients: ['ada@example.org'],
			paused: false
		};
		await attempt('ada', { root: 'subscriptions', key: admins.id, after: admins });
		expect(
			await attempt('nia', { root: 'subscriptions', key: admins.id, after: undefined })
		).toEqual({
			landed: false,
			code: 'creator-or-admin'
		});
	});

	it('refuses a subscription created in someone else’s name', async () => {
		const forged = {
			...stamp('bo'),
			boardId: 'b',
			cadence: 'weekly',
			recipients: ['bo@example.org'],
			paused: false
		};
		expect(await attempt('nia', { root: 'subscriptions', key: forged.id, after: forged })).toEqual({
			landed: false,
			code: 'author-mismatch'
		});
	});
});

describe('for self only, from several angles', () => {
	it('keeps a Consumer’s custom event in their private document, invisible to everyone else, admins included', async () => {
		const customEvent = { ...stamp('ned'), name: 'Mine', description: '', events: ['renew'] };
		const privately = `private/p1/global/ned`;
		expect(
			await attempt('ned', {
				root: 'customEvents',
				key: customEvent.id,
				after: customEvent,
				document: privately
			})
		).toEqual({
			landed: true
		});
		const admin = clientFor('ada', VIEW);
		await admin.synced();
		expect(admin.map('customEvents').has(customEvent.id)).toBe(false);
		const adminsPrivate = new SyncClient(server, 'ada', privately);
		await eventually(() => adminsPrivate.closes.length > 0, 'the refusal');
		expect(adminsPrivate.closes[0]!.code).toBe(4403);
		adminsPrivate.destroy();
	});

	it('lets Analysts and Project Admins share custom events and keep private ones too', async () => {
		for (const accountId of ['nia', 'ada']) {
			const shared = { ...stamp(accountId), name: 'Shared', description: '', events: ['a'] };
			expect(
				await attempt(accountId, { root: 'customEvents', key: shared.id, after: shared })
			).toEqual({ landed: true });
			const own = { ...stamp(accountId), name: 'Own', description: '', events: ['a'] };
			expect(
				await attempt(accountId, {
					root: 'customEvents',
					key: own.id,
					after: own,
					document: privateDocument('p1', 'global', accountId)
				})
			).toEqual({ landed: true });
		}
	});

	it.each([
		'customEvent.createEdit',
		'savedBehavior.createEdit',
		'savedFormula.createEdit',
		'customProperty.createEdit'
	])(
		'lets a Consumer keep %s for themselves, in their private document, and edit it there',
		async (action) => {
			const document = 'private/p1/global/ned';
			const change = { ...attemptFor(action, 'ned'), document };
			expect(await attempt('ned', change)).toEqual({ landed: true });
			const edited = { ...(change.after as object), description: 'Only mine', updatedAt: 2 };
			expect(await attempt('ned', { ...change, after: edited })).toEqual({ landed: true });
			const admin = clientFor('ada', VIEW);
			await admin.synced();
			expect(admin.map(change.root).has(change.key)).toBe(false);
		}
	);

	it('refuses a Consumer editing a shared custom event someone else made', async () => {
		const shared = { ...stamp('nia'), name: 'Team', description: '', events: ['a'] };
		await attempt('nia', { root: 'customEvents', key: shared.id, after: shared });
		expect(
			await attempt('ned', {
				root: 'customEvents',
				key: shared.id,
				after: { ...shared, name: 'Taken', updatedBy: 'ned' }
			})
		).toEqual({ landed: false, code: 'self-only' });
	});
});
