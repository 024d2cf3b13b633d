/**
 * The preview of a change, against the real server: what `POST .../preview` says a member
 * would lose is what the server then does once the change is made over a real socket: the digests
 * it says stop are the ones the scheduler no longer sends them, the others still arrive, and the
 * policy refuses to put them back on a subscription of a view they no longer read. And the route
 * answers only whoever may make the change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessPreview, Board, BoardSubscription, Role } from '../../src/lib/shared';
import { TestClock } from '../support/auth';
import { TestClient } from '../support/client';
import { embeddedToken, grantPortal, registerTestPortal } from '../support/embed';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { SyncClient, serverValue, setUpProject } from '../support/sync';
import { email, outboxRecipients, signedIn, startWorkflowServer } from '../support/workflows';

const DAY = 86_400_000;
const VIEWS = ['global', 'iz-aurora', 'iz-borealis'] as const;
/** One board per data view, each with a daily subscription naming Nia (and Ada). */
const BOARDS: Record<(typeof VIEWS)[number], string> = {
	global: 'Loans',
	'iz-aurora': 'Visits',
	'iz-borealis': 'Renewals'
};

let smtp: TestSmtpServer;
let clock: TestClock;
let server: TestServer;
const clients: SyncClient[] = [];

function connect(accountId: string, documentName: string): SyncClient {
	const client = new SyncClient(server, accountId, documentName);
	clients.push(client);
	return client;
}

function stamped(createdBy: string) {
	const now = clock.now();
	return { createdBy, createdAt: now, updatedBy: createdBy, updatedAt: now };
}

function addBoardsAndSubscriptions(): void {
	for (const viewId of VIEWS) {
		const board: Board = {
			id: `b-${viewId}`,
			...stamped('ada'),
			name: BOARDS[viewId],
			description: '',
			reports: []
		};
		const subscription: BoardSubscription = {
			id: `s-${viewId}`,
			...stamped('ada'),
			boardId: board.id,
			cadence: 'daily',
			recipients: [email('ada'), email('nia')],
			paused: false
		};
		server.app.registry.change(`view/p1/${viewId}`, (roots) => {
			roots.boards.set(board.id, board);
			roots.subscriptions.set(subscription.id, subscription);
		});
	}
	// A subscription whose board was deleted sends nothing, whatever happens to Nia.
	server.app.registry.change('view/p1/global', (roots) =>
		roots.subscriptions.set('s-gone', {
			id: 's-gone',
			...stamped('ada'),
			boardId: 'deleted',
			cadence: 'daily',
			recipients: [email('nia')],
			paused: false
		})
	);
}

async function askPreview(
	asker: string,
	accountId: string,
	next: { role: Role; scope: 'all' | string[] } | null
) {
	return signedIn(server, asker).post(`/api/projects/p1/members/${accountId}/preview`, {
		next
	});
}

/** Makes the change as Ada's console does, over a real socket, and waits for the server to hold it. */
async function applyAsAda(next: { role: Role; scope: 'all' | string[] } | null): Promise<void> {
	const ada = connect('ada', 'project/p1');
	await ada.synced();
	if (next) ada.setMember('nia', next);
	else ada.map('members').delete('nia');
	await eventually(() => {
		const stored = serverValue(server, 'project/p1', 'members', 'nia') as
			{ role: string; scope: unknown } | undefined;
		return next === null
			? stored === undefined
			: stored?.role === next.role && JSON.stringify(stored.scope) === JSON.stringify(next.scope);
	}, 'the change on the server');
}

/** The boards whose digest reached Nia in the next sending. */
function boardsDigestedToNia(): string[] {
	const before = new Map(
		Object.values(BOARDS).map((board) => [board, outboxRecipients(server, `digest: ${board}`)])
	);
	clock.advance(DAY);
	server.app.digests.runDue();
	return Object.values(BOARDS).filter((board) => {
		const sent = outboxRecipients(server, `digest: ${board}`).slice(before.get(board)!.length);
		return sent.includes(email('nia'));
	});
}

const stoppingBoards = (preview: AccessPreview) =>
	preview.losses.subscriptions.map((subscription) => subscription.boardName).sort();

beforeEach(async () => {
	smtp = await startSmtpServer();
	clock = new TestClock();
	server = await startWorkflowServer({ smtp, clock });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
	addBoardsAndSubscriptions();
	// Every subscription has sent once: Nia reads all three views.
	expect(boardsDigestedToNia()).toEqual(['Loans', 'Visits', 'Renewals']);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp.stop();
});

describe('the preview of a change, then the change', () => {
	it('moving Nia to the global view stops exactly the digests the preview named', async () => {
		const next = { role: 'analyst' as const, scope: ['global'] };
		const answer = await askPreview('ada', 'nia', next);
		expect(answer.status).toBe(200);
		const preview = answer.body as AccessPreview;
		expect(preview.losses.views.map((view) => view.name)).toEqual(['Aurora', 'Borealis']);
		expect(preview.losses.rows).toEqual([]);
		expect(stoppingBoards(preview)).toEqual(['Renewals', 'Visits']);
		expect(preview.subscriptionsKnown).toBe(true);

		await applyAsAda(next);
		const still = boardsDigestedToNia();
		expect(still).toEqual(['Loans']);
		expect(
			Object.values(BOARDS)
				.filter((board) => !still.includes(board))
				.sort()
		).toEqual(stoppingBoards(preview));

		// And the policy refuses to put her back on a subscription of a view she no longer reads.
		const view = connect('ada', 'view/p1/iz-aurora');
		await view.synced();
		const subscription = view.map<BoardSubscription>('subscriptions').get('s-iz-aurora')!;
		view.map('subscriptions').set(subscription.id, {
			...subscription,
			recipients: [email('ada')],
			updatedAt: clock.now() + 1
		});
		await eventually(
			() =>
				(
					serverValue(server, 'view/p1/iz-aurora', 'subscriptions', subscription.id) as
						BoardSubscription | undefined
				)?.recipients.length === 1,
			'Nia taken off the list'
		);
		view.map('subscriptions').set(subscription.id, {
			...subscription,
			recipients: [email('ada'), email('nia')],
			updatedAt: clock.now() + 2
		});
		await eventually(() => view.verdicts.length > 0, 'the refusal');
		expect(view.verdicts.flatMap((verdict) => verdict.rejected)).toEqual([
			expect.objectContaining({ code: 'recipient-without-access', key: subscription.id })
		]);
	});

	it('removing Nia stops every digest that still had a board, as the preview said', async () => {
		const preview = (await askPreview('ada', 'nia', null)).body as AccessPreview;
		expect(preview.after).toBeNull();
		expect(preview.losses.views).toHaveLength(3);
		expect(preview.losses.rows.map((row) => row.label)).toContain('Create and View Boards');
		expect(stoppingBoards(preview)).toEqual(['Loans', 'Renewals', 'Visits']);

		await applyAsAda(null);
		expect(boardsDigestedToNia()).toEqual([]);
	});

	it('making Nia a Consumer of the same views stops no digest, and says which rows go', async () => {
		const next = { role: 'consumer' as const, scope: 'all' as const };
		const preview = (await askPreview('ada', 'nia', next)).body as AccessPreview;
		expect(preview.losses.subscriptions).toEqual([]);
		expect(preview.losses.rows.map((row) => row.action)).toEqual([
			'userProfile.createEdit',
			'subscription.create',
			'customEvent.createEdit',
			'savedBehavior.createEdit',
			'savedFormula.createEdit',
			'customProperty.createEdit'
		]);

		await applyAsAda(next);
		expect(boardsDigestedToNia()).toEqual(['Loans', 'Visits', 'Renewals']);
	});
});

describe('who may ask', () => {
	it('answers whoever may make the change, and refuses others with the policy’s reason', async () => {
		// Nia may preview her own stepping down and leaving; not a change of somebody else.
		expect((await askPreview('nia', 'nia', { role: 'consumer', scope: 'all' })).status).toBe(200);
		expect((await askPreview('nia', 'nia', null)).status).toBe(200);
		const other = await askPreview('nia', 'ian', null);
		expect(other.status).toBe(403);
		expect(other.body.error.code).toBe('admin-only');
		// Ada may not preview demoting Bo, another Project Admin (admin-protected).
		const protectedAdmin = await askPreview('ada', 'bo', { role: 'analyst', scope: 'all' });
		expect(protectedAdmin.status).toBe(403);
		expect(protectedAdmin.body.error.code).toBe('admin-protected');
		// Nor a change the zone rules refuse: an Aurora user in the global view.
		const outOfZone = await askPreview('ada', 'ian', { role: 'analyst', scope: ['global'] });
		expect(outOfZone.body.error.code).toBe('iz-user-scope');
	});

	it('answers the embedded widget’s session, for its one project only', async () => {
		const harbour = createConsortium(server.app.db, {
			name: 'Harbour',
			mode: 'institution-zone',
			zones: [
				{ id: 'h-nz', kind: 'network', name: 'Harbour Office' },
				{ id: 'h-cove', kind: 'institution', name: 'Cove' }
			]
		});
		createProject(server.app.db, server.app.registry, harbour, {
			id: 'p9',
			name: 'Cove Analytics',
			ownerZoneId: 'h-cove'
		});
		for (const accountId of ['ada', 'bo'])
			putMember(server.app.db, server.app.registry, 'p9', {
				accountId,
				email: email(accountId),
				name: `Name of ${accountId}`,
				role: 'admin',
				zoneId: 'h-nz'
			});
		const portal = registerTestPortal(server);
		grantPortal(server, portal, 'ada');
		const token = await embeddedToken(server, portal, email('ada'));
		const ask = (projectId: string) =>
			fetch(`${server.url}/api/projects/${projectId}/members/ada/preview`, {
				method: 'POST',
				headers: {
					Authorization: `Bearer ${token}`,
					Origin: server.origin,
					'Content-Type': 'application/json'
				},
				body: JSON.stringify({ next: null })
			});
		const own = await ask('p1');
		expect(own.status).toBe(200);
		expect(((await own.json()) as AccessPreview).member.accountId).toBe('ada');
		// Ada is a Project Admin of p9 too, but the portal's session reaches p1 only.
		expect(
			(await signedIn(server, 'ada').post('/api/projects/p9/members/ada/preview', { next: null }))
				.status
		).toBe(200);
		const elsewhere = await ask('p9');
		expect(elsewhere.status).toBe(404);
	});

	it('says who is not a member, which project is not there, and who is not signed in', async () => {
		const nobody = await askPreview('ada', 'nobody', null);
		expect(nobody.status).toBe(404);
		expect(nobody.body.error.code).toBe('member-not-found');
		const elsewhere = await signedIn(server, 'ada').post('/api/projects/nope/members/nia/preview', {
			next: null
		});
		expect(elsewhere.body.error.code).toBe('project-not-found');
		const malformed = await signedIn(server, 'ada').post('/api/projects/p1/members/nia/preview', {
			next: { role: 'owner', scope: 'all' }
		});
		expect(malformed.status).toBe(400);
		expect(malformed.body.error.code).toBe('invalid-input');
		const stranger = await new TestClient(server).post('/api/projects/p1/members/nia/preview', {
			next: null
		});
		expect(stranger.status).toBe(401);
		expect(stranger.body.error.code).toBe('unauthenticated');
	});
});
