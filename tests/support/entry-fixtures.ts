/**
 * One valid entry of every root of every document kind, with the key it is stored under, as the
 * server and the console write them: by `ada`, a Project Admin of the network-zone project of
 * policy-fixtures.ts.
 */
import {
	DOCUMENT_ROOTS,
	type AccessRequest,
	type Board,
	type BoardSubscription,
	type DocumentKind,
	type HandoverRequest,
	type Invite,
	type LexiconEntry,
	type LookupTable,
	type Notice,
	type OwnRequest,
	type ProjectListing,
	type UserProfile
} from '../../src/lib/shared';
import { NETWORK_VIEWS, ZONES, member, projectInfo } from './policy-fixtures';

export interface KeyedEntry {
	key: string;
	value: Record<string, unknown>;
}

const stamps = (id: string) => ({
	id,
	createdBy: 'ada',
	createdAt: 1,
	updatedBy: 'ada',
	updatedAt: 1
});

export const INVITE: Invite = {
	id: 'inv1',
	email: 'new@office.example.org',
	role: 'analyst',
	zoneId: 'nz',
	scope: 'all',
	invitedBy: 'ada',
	invitedAt: 5,
	sendRequests: 1,
	status: 'sent',
	sentAt: 6,
	expiresAt: 7,
	acceptedAt: null,
	failure: null
};

export const JOIN_REQUEST: Extract<AccessRequest, { kind: 'join' }> = {
	id: 'r1',
	kind: 'join',
	role: 'analyst',
	requesterId: 'zed',
	requesterEmail: 'zed@office.example.org',
	requesterName: 'Zed',
	requesterZoneId: 'nz',
	message: '',
	createdAt: 1,
	status: 'pending',
	decidedBy: null,
	decidedAt: null,
	decisionReason: null
};

/** ada asks bo, another Project Admin, to step down to Analyst. */
export const HANDOVER_REQUEST: HandoverRequest = {
	id: 'h1',
	kind: 'step-down',
	askedBy: 'ada',
	askedOf: 'bo',
	stepDownTo: 'analyst',
	message: 'The library runs its own project now.',
	createdAt: 1,
	status: 'pending',
	answeredAt: null,
	reply: null
};

export const BOARD: Board = {
	...stamps('b1'),
	name: 'Circulation',
	description: '',
	reports: [{ id: 'rep1', title: 'Loans', kind: 'insights', query: '' }]
};

export const LEXICON_ENTRY: LexiconEntry = {
	...stamps('lex1'),
	kind: 'event',
	name: 'Loan',
	description: '',
	hidden: false,
	tags: [],
	lookupTableId: null,
	mergedInto: null
};

const personal = {
	customEvents: {
		...stamps('ce1'),
		name: 'Borrowing',
		description: '',
		events: ['Loan', 'Renewal']
	},
	savedBehaviors: { ...stamps('sb1'), name: 'Regulars', description: '', definition: 'loans > 3' },
	savedFormulas: { ...stamps('sf1'), name: 'Ratio', description: '', formula: 'A / B' },
	customProperties: {
		...stamps('cp1'),
		name: 'Decade',
		description: '',
		resource: 'user',
		formula: 'year / 10'
	}
};

const subscription: BoardSubscription = {
	...stamps('s1'),
	boardId: 'b1',
	cadence: 'weekly',
	recipients: ['ada@office.example.org'],
	paused: false
};
const profile: UserProfile = {
	...stamps('u1'),
	distinctId: 'reader-1',
	name: 'Reader',
	email: '',
	properties: { branch: 'North', visits: 3 }
};
const lookupTable: LookupTable = {
	...stamps('lt1'),
	name: 'Branches',
	columns: ['code', 'name'],
	rows: [['N', 'North']]
};
const listing: ProjectListing = {
	projectId: 'p-network',
	name: 'Consortium analytics',
	consortiumName: 'Northern Lights',
	mode: 'network-zone',
	role: 'admin',
	zoneName: 'Office'
};
const notice: Notice = {
	id: 'n1',
	at: 1,
	kind: 'added-to-project',
	projectId: 'p-network',
	text: 'You were added.'
};
const ownRequest: OwnRequest = {
	...JOIN_REQUEST,
	projectId: 'p-aurora',
	projectName: 'Aurora analytics'
};

const keyed = (key: string, value: object): KeyedEntry => ({
	key,
	value: value as Record<string, unknown>
});
const byId = <T extends { id: string }>(value: T) => keyed(value.id, value);

export const VALID_ENTRIES: Record<DocumentKind, Record<string, KeyedEntry>> = {
	project: {
		settings: keyed('project', projectInfo('network-zone')),
		zones: byId(ZONES[0]!),
		views: byId(NETWORK_VIEWS[0]!),
		members: keyed('nia', member('nia', 'analyst', 'nz')),
		invites: byId(INVITE),
		requests: byId(JOIN_REQUEST),
		handovers: byId(HANDOVER_REQUEST)
	},
	view: {
		userProfiles: byId(profile),
		boards: byId(BOARD),
		subscriptions: byId(subscription),
		...Object.fromEntries(Object.entries(personal).map(([root, entry]) => [root, byId(entry)])),
		borrowedProperties: byId({
			...stamps('bp1'),
			name: 'Branch',
			description: '',
			sourceEvent: 'Visit',
			sourceProperty: 'branch',
			targetEvent: 'Loan'
		}),
		lexicon: byId(LEXICON_ENTRY),
		lookupTables: byId(lookupTable)
	},
	private: Object.fromEntries(Object.entries(personal).map(([root, entry]) => [root, byId(entry)])),
	user: {
		projects: keyed(listing.projectId, listing),
		notices: byId(notice),
		requests: byId(ownRequest)
	}
};

/** Every root of every kind, with its valid entry. */
export const EVERY_ROOT = (Object.keys(DOCUMENT_ROOTS) as DocumentKind[]).flatMap((kind) =>
	Object.keys(DOCUMENT_ROOTS[kind]).map((root) => ({
		kind,
		root,
		entry: VALID_ENTRIES[kind][root]!
	}))
);
