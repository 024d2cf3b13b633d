/**
 * The demo a fresh `npm start` creates when the database is empty, so that a newcomer can see
 * both ways of running a consortium at once:
 * - Northern Lights Library Network, in network-zone management: one project, a data view per
 *   library, the Network Office's admin managing everyone;
 * - Harbour Libraries Consortium, in institution-zone management: a private project per library;
 *   the same admin runs one of them as a Network Zone member and may ask to join the other.
 * Each data view has a board or two, the network's global view a weekly subscription, and Cove's
 * Requests inbox a join request from another Network Zone user, so that every page shows something.
 * Returns the demo admin's sign-in link (valid for a day; a new one is a click away at /sign-in).
 */
import {
	newId,
	OFFICE_INVITER,
	projectDocument,
	viewDocument,
	type AccessRequest,
	type Board,
	type BoardSubscription,
	type DocumentPath,
	type LexiconEntry,
	type Role
} from '../../src/lib/shared';
import { createAccount, findAccountByEmail } from '../auth/accounts';
import type { AuthDb } from '../auth/settings';
import { issueToken } from '../auth/tokens';
import { performNow } from '../db/work';
import { createProject, putMember } from '../consortium/projects';
import { createConsortium, listConsortia } from '../consortium/store';
import type { Db } from '../db/database';
import { linkWithToken, type SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import { addZonePerson } from '../consortium/zone-people';

export const DEMO_ADMIN_EMAIL = 'dana.admin@office.northernlights.example';

const FIRST_NAMES = [
	'Ada',
	'Ben',
	'Cleo',
	'Dev',
	'Edda',
	'Finn',
	'Gita',
	'Hugo',
	'Iris',
	'Jon',
	'Kai',
	'Lena',
	'Milo',
	'Nora',
	'Otto',
	'Pia'
];
const LAST_NAMES = [
	'Lindqvist',
	'Okafor',
	'Moreau',
	'Tanaka',
	'Silva',
	'Novak',
	'Haddad',
	'Kowalski',
	'Reyes',
	'Berg'
];

export function demoIsNeeded(db: Db): boolean {
	return listConsortia(db).length === 0;
}

export function seedDemo(
	auth: AuthDb,
	registry: DocumentRegistry,
	site: SiteUrl
): { email: string; link: string } {
	const { db } = auth;
	const admin = person(auth, 'Dana Admin', DEMO_ADMIN_EMAIL);

	const northern = createConsortium(db, {
		name: 'Northern Lights Library Network',
		mode: 'network-zone',
		zones: [
			{
				id: 'nl-office',
				kind: 'network',
				name: 'Network Office',
				emailDomains: ['office.northernlights.example']
			},
			{
				id: 'nl-aurora',
				kind: 'institution',
				name: 'Aurora University Library',
				emailDomains: ['aurora.example.edu']
			},
			{
				id: 'nl-borealis',
				kind: 'institution',
				name: 'Borealis College Library',
				emailDomains: ['borealis.example.edu']
			}
		]
	});
	const network = createProject(db, registry, northern, {
		id: 'northern-lights',
		name: 'Northern Lights Analytics'
	});
	join(db, registry, network.id, admin, 'admin', 'nl-office');
	join(
		db,
		registry,
		network.id,
		person(auth, 'Nils Network', 'nils@office.northernlights.example'),
		'analyst',
		'nl-office'
	);
	const zones = [
		['nl-aurora', 'aurora.example.edu'],
		['nl-borealis', 'borealis.example.edu']
	] as const;
	for (let index = 0; index < 36; index++) {
		const [zoneId, domain] = zones[index % 2]!;
		const name = `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[(index * 7) % LAST_NAMES.length]}`;
		const email = `${name.toLowerCase().replace(' ', '.')}${index}@${domain}`;
		join(
			db,
			registry,
			network.id,
			person(auth, name, email),
			index % 3 === 0 ? 'analyst' : 'consumer',
			zoneId
		);
	}
	seedLexicon(registry, viewDocument(network.id, 'global'));
	const circulation = seedBoard(
		registry,
		viewDocument(network.id, 'global'),
		admin.id,
		'Circulation overview',
		[
			['Checkouts per branch', 'insights'],
			['From search to loan', 'funnels']
		]
	);
	seedBoard(registry, viewDocument(network.id, 'global'), admin.id, 'Catalogue search', [
		['Searches without results', 'insights']
	]);
	seedBoard(registry, viewDocument(network.id, 'iz-nl-aurora'), admin.id, 'Aurora loans', [
		['Loans by material type', 'insights']
	]);
	seedSubscription(registry, viewDocument(network.id, 'global'), admin, circulation);

	const harbour = createConsortium(db, {
		name: 'Harbour Libraries Consortium',
		mode: 'institution-zone',
		zones: [
			{
				id: 'hb-office',
				kind: 'network',
				name: 'Harbour Office',
				emailDomains: ['office.harbour.example']
			},
			{
				id: 'hb-cove',
				kind: 'institution',
				name: 'Cove Public Library',
				emailDomains: ['cove.example.org']
			},
			{
				id: 'hb-quay',
				kind: 'institution',
				name: 'Quay Academy Library',
				emailDomains: ['quay.example.edu']
			}
		]
	});
	const cove = createProject(db, registry, harbour, {
		id: 'cove',
		name: 'Cove Analytics',
		ownerZoneId: 'hb-cove'
	});
	const cora = person(auth, 'Cora Cove', 'cora@cove.example.org');
	join(db, registry, cove.id, cora, 'admin', 'hb-cove');
	join(db, registry, cove.id, admin, 'admin', 'hb-office');
	join(
		db,
		registry,
		cove.id,
		person(auth, 'Caleb Reader', 'caleb@cove.example.org'),
		'consumer',
		'hb-cove'
	);
	const quay = createProject(db, registry, harbour, {
		id: 'quay',
		name: 'Quay Analytics',
		ownerZoneId: 'hb-quay'
	});
	const quinn = person(auth, 'Quinn Quay', 'quinn@quay.example.edu');
	join(db, registry, quay.id, quinn, 'admin', 'hb-quay');
	join(
		db,
		registry,
		quay.id,
		person(auth, 'Quentin Analyst', 'quentin@quay.example.edu'),
		'analyst',
		'hb-quay'
	);
	seedLexicon(registry, viewDocument(cove.id, 'main'));
	seedLexicon(registry, viewDocument(quay.id, 'main'));
	seedBoard(registry, viewDocument(cove.id, 'main'), cora.id, 'Cove circulation', [
		['Checkouts this month', 'insights'],
		['Returning borrowers', 'retention']
	]);
	seedBoard(registry, viewDocument(quay.id, 'main'), quinn.id, 'Study rooms', [
		['Bookings per room', 'insights']
	]);
	const hana = person(auth, 'Hana Harbour', 'hana@office.harbour.example');
	addZonePerson(db, 'hb-office', hana.id, 'office', Date.now());
	seedJoinRequest(registry, cove.id, hana, 'hb-office');

	const { token } = performNow(
		auth.db,
		issueToken(auth.settings, {
			purpose: 'sign-in',
			email: admin.email,
			lifetimeMs: 24 * 3600 * 1000
		})
	);
	return { email: admin.email, link: linkWithToken(site, '/sign-in/link', token) };
}

function person(auth: AuthDb, name: string, email: string) {
	const created = createAccount(auth, { name, email });
	return created.ok ? created.account : findAccountByEmail(auth.db, email)!;
}

function join(
	db: Db,
	registry: DocumentRegistry,
	projectId: string,
	account: { id: string; email: string; name: string },
	role: Role,
	zoneId: string
) {
	putMember(db, registry, projectId, {
		accountId: account.id,
		email: account.email,
		name: account.name,
		role,
		zoneId
	});
}

function seedBoard(
	registry: DocumentRegistry,
	documentName: DocumentPath<'view'>,
	creatorId: string,
	name: string,
	reports: Array<[string, Board['reports'][number]['kind']]>
): Board {
	const now = Date.now();
	const board: Board = {
		id: newId(),
		createdBy: creatorId,
		createdAt: now,
		updatedBy: creatorId,
		updatedAt: now,
		name,
		description: '',
		reports: reports.map(([title, kind]) => ({ id: newId(), title, kind, query: '' }))
	};
	registry.change(documentName, (roots) => roots.boards.set(board.id, board));
	return board;
}

function seedSubscription(
	registry: DocumentRegistry,
	documentName: DocumentPath<'view'>,
	subscriber: { id: string; email: string },
	board: Board
): void {
	const now = Date.now();
	const subscription: BoardSubscription = {
		id: newId(),
		createdBy: subscriber.id,
		createdAt: now,
		updatedBy: subscriber.id,
		updatedAt: now,
		boardId: board.id,
		cadence: 'weekly',
		recipients: [subscriber.email],
		paused: false
	};
	registry.change(documentName, (roots) => roots.subscriptions.set(subscription.id, subscription));
}

/**
 * Written as the requests API would write it (the requester is a Network Zone user, the project
 * in institution-zone management), without mailing the project's admins about a demo.
 */
function seedJoinRequest(
	registry: DocumentRegistry,
	projectId: string,
	requester: { id: string; email: string; name: string },
	zoneId: string
): void {
	const request: AccessRequest = {
		id: newId(),
		kind: 'join',
		role: 'analyst',
		requesterId: requester.id,
		requesterEmail: requester.email,
		requesterName: requester.name,
		requesterZoneId: zoneId,
		message:
			'I prepare the consortium’s quarterly circulation report and would like to include Cove.',
		createdAt: Date.now(),
		status: 'pending',
		decidedBy: null,
		decidedAt: null,
		decisionReason: null
	};
	registry.change(projectDocument(projectId), (roots) => roots.requests.set(request.id, request));
}

/** Lexicon entries describe the data: they come from the data, not from people. */
function seedLexicon(registry: DocumentRegistry, documentName: DocumentPath<'view'>): void {
	const now = Date.now();
	const entries: Array<[LexiconEntry['kind'], string, string]> = [
		['event', 'Checkout', 'An item was lent to a patron.'],
		['event', 'Renewal', 'A loan was extended.'],
		['event', 'Catalogue Search', 'A search in the catalogue.'],
		['property', 'branch', 'The branch where the event happened.'],
		['property', 'material type', 'Book, e-book, journal, media.']
	];
	registry.change(documentName, (roots) => {
		for (const [kind, name, description] of entries) {
			const id = newId();
			const entry: LexiconEntry = {
				id,
				createdBy: OFFICE_INVITER,
				createdAt: now,
				updatedBy: OFFICE_INVITER,
				updatedAt: now,
				kind,
				name,
				description,
				hidden: false,
				tags: [],
				lookupTableId: null,
				mergedInto: null
			};
			roots.lexicon.set(id, entry);
		}
	});
}
