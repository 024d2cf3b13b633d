import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv, type AuditEntry, type Member } from '../../src/lib/shared';
import { TestClock } from '../support/auth';
import type { TestServer } from '../support/server';
import { SyncClient, queuedInvite } from '../support/sync';
import { MIGRATIONS } from '../../server/schema';
import { migrate, openDatabase } from '../../server/db/database';
import { eventually } from '../support/eventually';
import { recordGovernanceEvent } from '../../server/audit/governance';
import { rawRequest, setUpHarbour, signedIn, startWorkflowServer } from '../support/workflows';

let clock: TestClock;
let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

function stamped(author: string, id: string) {
	const now = clock.now();
	return { id, createdBy: author, createdAt: now, updatedBy: author, updatedAt: now };
}

async function audit(query = '', accountId = 'iza'): Promise<AuditEntry[]> {
	const answer = await signedIn(server, accountId).get(`/api/projects/p1/audit${query}`);
	expect(answer.status).toBe(200);
	return answer.body.entries as AuditEntry[];
}

/** Ian makes a board (accepted); Cole edits it (refused); Ian changes Cole's role (refused). */
async function makeHistory(): Promise<void> {
	const ianView = connect('ian', 'view/p1/main');
	const coleView = connect('cole', 'view/p1/main');
	const ianProject = connect('ian', 'project/p1');
	await Promise.all([ianView.synced(), coleView.synced(), ianProject.synced()]);
	clock.advance(60_000);
	ianView
		.map('boards')
		.set('b1', { ...stamped('ian', 'b1'), name: 'Loans', description: '', reports: [] });
	await eventually(() => coleView.map('boards').has('b1'), 'the board to reach Cole');
	clock.advance(60_000);
	const board = coleView.map<Record<string, unknown>>('boards').get('b1')!;
	coleView
		.map('boards')
		.set('b1', { ...board, name: 'Mine', updatedBy: 'cole', updatedAt: clock.now() });
	await eventually(() => coleView.verdicts.length === 1, 'the refusal of Cole’s edit');
	clock.advance(60_000);
	const cole = ianProject.member('cole')!;
	ianProject.setMember('cole', { ...cole, role: 'analyst' });
	await eventually(() => ianProject.verdicts.length === 1, 'the refusal of Ian’s change');
}

beforeEach(async () => {
	clock = new TestClock(Date.UTC(2025, 0, 15, 9, 0, 0));
	server = await startWorkflowServer({ clock });
	setUpHarbour(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('the audit log of a project', () => {
	it('keeps accepted and refused changes, newest first, with their authors, values and reasons', async () => {
		await makeHistory();
		const [roleChange, coleEdit, ianBoard] = await audit('?author=&root=&limit=3');
		expect(roleChange).toMatchObject({
			document: 'project/p1',
			viewId: null,
			root: 'members',
			key: 'cole',
			author: { id: 'ian', name: 'Name of ian' },
			outcome: 'refused',
			code: 'admin-only',
			message: 'Only Project Admins can manage the users of a project.',
			before: expect.objectContaining({ accountId: 'cole', role: 'consumer' }),
			after: expect.objectContaining({ accountId: 'cole', role: 'analyst' }),
			redacted: null
		});
		expect(coleEdit).toMatchObject({
			document: 'view/p1/main',
			viewId: 'main',
			root: 'boards',
			key: 'b1',
			author: { id: 'cole' },
			outcome: 'refused',
			code: 'creator-or-admin',
			before: expect.objectContaining({ name: 'Loans' }),
			after: expect.objectContaining({ name: 'Mine' })
		});
		expect(ianBoard).toMatchObject({
			root: 'boards',
			author: { id: 'ian' },
			outcome: 'accepted',
			code: null,
			message: null,
			before: null,
			after: expect.objectContaining({ name: 'Loans' })
		});
		expect(roleChange!.at).toBeGreaterThan(coleEdit!.at);
	});

	it('records the server’s own changes with no author', async () => {
		const setUp = await audit('?author=server&root=members');
		expect(setUp.map((entry) => entry.key).sort()).toEqual(['cole', 'ian', 'iza', 'nadia']);
		expect(setUp.every((entry) => entry.author === null && entry.outcome === 'accepted')).toBe(
			true
		);
		expect(setUp.every((entry) => (entry.after as Member).accountId === entry.key)).toBe(true);
	});

	it('filters by outcome, author, root and time', async () => {
		const start = clock.now();
		await makeHistory();
		const refused = await audit('?outcome=refused');
		expect(refused.map((entry) => [entry.author?.id, entry.root])).toEqual([
			['ian', 'members'],
			['cole', 'boards']
		]);
		expect((await audit('?author=ian')).map((entry) => entry.outcome)).toEqual([
			'refused',
			'accepted'
		]);
		expect((await audit('?root=boards')).map((entry) => entry.author?.id)).toEqual(['cole', 'ian']);
		const window = await audit(`?from=${start + 90_000}&to=${start + 150_000}`);
		expect(window.map((entry) => entry.author?.id)).toEqual(['cole']);
	});

	it('pages from newest to oldest without repeating or losing an entry', async () => {
		await makeHistory();
		const all = await audit('?limit=200');
		const paged: AuditEntry[] = [];
		let cursor: string | null = null;
		do {
			const answer = await signedIn(server, 'iza').get(
				`/api/projects/p1/audit?limit=4${cursor ? `&before=${cursor}` : ''}`
			);
			paged.push(...answer.body.entries);
			cursor = answer.body.nextCursor;
		} while (cursor);
		expect(paged.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
		expect(all.length).toBeGreaterThan(8);
		expect(new Set(all.map((entry) => entry.id)).size).toBe(all.length);
	});

	it('downloads as CSV for spreadsheets, one row per change, with the same filters', async () => {
		await makeHistory();
		const response = await rawRequest(server, 'iza', '/api/projects/p1/audit.csv?outcome=refused');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toContain(
			'attachment; filename="audit-aurora-analytics.csv"'
		);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const parsed = parseCsv(new TextDecoder().decode(bytes));
		if (!parsed.ok) throw new Error('The CSV does not parse');
		const [header, ...rows] = parsed.records;
		expect(header).toEqual([
			'Time (UTC)',
			'Document',
			'Data view',
			'Root',
			'Key',
			'Author',
			'Author id',
			'Outcome',
			'Reason code',
			'Message',
			'Before',
			'After',
			'Via portal',
			'What happened'
		]);
		expect(rows).toHaveLength(2);
		expect(rows[0]!.slice(1, 9)).toEqual([
			'project/p1',
			'',
			'members',
			'cole',
			'Name of ian',
			'ian',
			'refused',
			'admin-only'
		]);
		expect(rows[0]![0]).toBe('2025-01-15T09:03:00.000Z');
		expect(JSON.parse(rows[0]![11]!)).toMatchObject({ accountId: 'cole', role: 'analyst' });
		expect(rows.map((row) => row[13])).toEqual([
			'Name of ian tried to change Name of cole’s role from Consumer to Analyst; refused: only Project Admins manage people',
			'Name of cole tried to rename the board Loans to Mine; refused: only its creator or a Project Admin may change it'
		]);
	});

	it('answers only the project’s Project Admins', async () => {
		for (const accountId of ['ian', 'cole', 'bea', 'nora']) {
			const json = await signedIn(server, accountId).get('/api/projects/p1/audit');
			expect(json.status).toBe(403);
			expect(json.body.error.code).toBe('not-project-admin');
			expect((await rawRequest(server, accountId, '/api/projects/p1/audit.csv')).status).toBe(403);
		}
		expect((await signedIn(server, 'iza').get('/api/projects/nope/audit')).status).toBe(404);
		expect((await signedIn(server, 'nadia').get('/api/projects/p1/audit')).status).toBe(200);
	});

	it('answers field errors for a query it does not understand', async () => {
		const answer = await signedIn(server, 'iza').get(
			'/api/projects/p1/audit?outcome=maybe&limit=0'
		);
		expect(answer.status).toBe(400);
		expect(Object.keys(answer.body.error.fields).sort()).toEqual(['limit', 'outcome']);
	});

	it('records that a private document changed, never what it holds', async () => {
		const colePrivate = connect('cole', 'private/p1/main/cole');
		await colePrivate.synced();
		colePrivate.map('customEvents').set('ce1', {
			...stamped('cole', 'ce1'),
			name: 'Secret plan',
			description: 'nobody else reads this',
			events: ['renew']
		});
		colePrivate.map('customEvents').set('ce2', {
			...stamped('cole', 'ce2'),
			name: 'Secret but broken',
			description: '',
			events: []
		});
		await eventually(() => colePrivate.verdicts.length === 1, 'the refusal of the broken one');

		const answer = await signedIn(server, 'iza').get('/api/projects/p1/audit?author=cole');
		expect(answer.body.entries).toEqual([
			expect.objectContaining({
				document: 'private/p1/main/cole',
				key: 'ce2',
				outcome: 'refused',
				code: 'invalid-entry',
				before: null,
				after: null,
				redacted: 'private-document'
			}),
			expect.objectContaining({
				document: 'private/p1/main/cole',
				key: 'ce1',
				outcome: 'accepted',
				before: null,
				after: null,
				redacted: 'private-document'
			})
		]);
		const csv = await (await rawRequest(server, 'iza', '/api/projects/p1/audit.csv')).text();
		const stored = server.app.db.prepare('SELECT * FROM audit_log').all();
		for (const text of [JSON.stringify(answer.body), csv, JSON.stringify(stored)])
			expect(text).not.toContain('Secret');
	});
});

describe('the audit log in people’s words', () => {
	it('says what happened in a sentence, with names where the log holds ids', async () => {
		await makeHistory();
		const izaProject = connect('iza', 'project/p1');
		await izaProject.synced();
		clock.advance(60_000);
		izaProject.setMember('cole', { role: 'analyst' });
		await eventually(
			() => server.app.registry.get('project/p1')!.index!.member('cole')!.role === 'analyst',
			'the role change'
		);
		const sentences = (await audit('?limit=200')).map((entry) => entry.sentence);
		expect(sentences.slice(0, 4)).toEqual([
			'Name of iza changed Name of cole’s role from Consumer to Analyst',
			'Name of ian tried to change Name of cole’s role from Consumer to Analyst; refused: only Project Admins manage people',
			'Name of cole tried to rename the board Loans to Mine; refused: only its creator or a Project Admin may change it',
			'Name of ian created the board Loans'
		]);
		expect(sentences).toContain(
			'Name of nadia joined the project as Project Admin (Harbour Office)'
		);
		expect(sentences).toContain('The server set up the project Aurora Analytics');
	});

	it('names the board of a subscription, and its recipients, even after the board is deleted', async () => {
		const ianView = connect('ian', 'view/p1/main');
		await ianView.synced();
		ianView
			.map('boards')
			.set('b1', { ...stamped('ian', 'b1'), name: 'Loans', description: '', reports: [] });
		ianView.map('subscriptions').set('s1', {
			...stamped('ian', 's1'),
			boardId: 'b1',
			cadence: 'weekly',
			recipients: ['ian@example.org', 'cole@example.org'],
			paused: false
		});
		await eventually(
			() => server.app.registry.get('view/p1/main')?.root('subscriptions').has('s1') === true,
			'the subscription'
		);
		clock.advance(60_000);
		ianView.map('subscriptions').delete('s1');
		ianView.map('boards').delete('b1');
		await eventually(
			() => server.app.registry.get('view/p1/main')?.root('boards').has('b1') === false,
			'the deletions'
		);
		const sentences = (await audit('?root=subscriptions')).map((entry) => entry.sentence);
		expect(sentences).toEqual([
			'Name of ian ended the subscription of Name of ian and Name of cole to the board Loans',
			'Name of ian subscribed Name of ian and Name of cole to the board Loans (weekly)'
		]);
	});

	it('finds what a person did and what was done to them, by account and by address', async () => {
		await makeHistory();
		const izaProject = connect('iza', 'project/p1');
		await izaProject.synced();
		izaProject.map('invites').set('inv1', {
			...queuedInvite('inv1', 'iza', 'nora@example.org'),
			zoneId: 'nz'
		});
		await eventually(
			() => server.app.registry.get('project/p1')!.root('invites').has('inv1'),
			'the invitation'
		);
		// Who gave Nora access, and when: Iza's invitation, and what the server did with it.
		expect((await audit('?person=nora')).map((entry) => entry.sentence)).toEqual([
			'Name of nora (nora@example.org) had an account already, so was added without an invitation mail',
			'Name of nora joined the project as Analyst (Harbour Office)',
			'Name of iza invited Name of nora (nora@example.org) as Analyst (Harbour Office)'
		]);
		const aboutCole = (await audit('?person=cole')).map((entry) => [
			entry.author?.id ?? null,
			entry.root
		]);
		// Ian's refused change of Cole's role, Cole's refused edit, Cole's membership itself.
		expect(aboutCole).toEqual([
			['ian', 'members'],
			['cole', 'boards'],
			[null, 'members']
		]);
	});

	it('finds the entries of a zone: its people, and the data views that show its data', async () => {
		await makeHistory();
		const network = await audit('?zone=nz');
		expect(network.map((entry) => [entry.root, entry.key])).toEqual([['members', 'nadia']]);
		const aurora = await audit('?zone=aurora&limit=200');
		expect(new Set(aurora.map((entry) => entry.root))).toEqual(new Set(['members', 'boards']));
		expect(aurora.some((entry) => entry.key === 'nadia')).toBe(false);
		expect(await audit('?zone=borealis')).toEqual([]);
	});

	it('refuses a kind of entry it does not know', async () => {
		const answer = await signedIn(server, 'iza').get('/api/projects/p1/audit?root=secrets');
		expect(answer.status).toBe(400);
		expect(Object.keys(answer.body.error.fields)).toEqual(['root']);
	});

	it('fills in whom older entries are about when the database is upgraded', () => {
		const before = MIGRATIONS.findIndex(
			(migration) => migration.id === 'audit-001-change-subject-zone'
		);
		const db = openDatabase(':memory:', MIGRATIONS.slice(0, before));
		const insert = db.prepare(
			`INSERT INTO audit_log (at, project_id, document, root, entry_key, author_id, outcome,
			 before_json, after_json) VALUES (1, 'p1', 'project/p1', ?, ?, 'iza', 'accepted', ?, ?)`
		);
		insert.run(
			'members',
			'cole',
			null,
			JSON.stringify({ email: 'Cole@Example.org', zoneId: 'aurora' })
		);
		insert.run(
			'requests',
			'r1',
			null,
			JSON.stringify({
				requesterId: 'nora',
				requesterEmail: 'nora@example.org',
				requesterZoneId: 'nz'
			})
		);
		insert.run('invites', 'i1', JSON.stringify({ email: 'x@example.org', zoneId: 7 }), null);
		migrate(db, MIGRATIONS);
		expect(
			db
				.prepare(
					'SELECT root, change_kind, subject_id, subject_email, zone_id FROM audit_log ORDER BY id'
				)
				.raw()
				.all()
		).toEqual([
			['members', 'add', 'cole', 'cole@example.org', 'aurora'],
			['requests', 'add', 'nora', 'nora@example.org', 'nz'],
			['invites', 'delete', null, 'x@example.org', null]
		]);
		db.close();
	});

	it('keeps a governance action as one entry in a sentence, found by its kind, person and zone', async () => {
		recordGovernanceEvent(server.app.db, {
			place: { projectId: 'p1' },
			authorId: 'iza',
			subject: { email: 'Edda@Example.org', zoneId: 'aurora' },
			event: {
				kind: 'invite-link-copied',
				inviteId: 'inv-1',
				email: 'edda@example.org',
				role: 'analyst',
				zoneId: 'aurora'
			},
			at: clock.now()
		});
		recordGovernanceEvent(server.app.db, {
			place: { consortiumId: 'harbour' },
			authorId: null,
			event: {
				kind: 'invite-link-copied',
				inviteId: 'inv-2',
				email: 'other@example.org',
				role: 'consumer',
				zoneId: 'borealis'
			},
			at: clock.now()
		});
		const [governance, ...rest] = await audit('?root=governance');
		expect(rest).toEqual([]);
		expect(governance!.sentence).toBe(
			'Name of iza copied the invite link for edda@example.org by hand, as Analyst (Aurora)'
		);
		expect((await audit('?zone=aurora&root=governance')).length).toBe(1);
		expect((await audit('?zone=borealis&root=governance')).length).toBe(0);
	});
});
