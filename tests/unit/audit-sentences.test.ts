/**
 * The audit log's sentences (`describeAuditEntry`): what an administrator reads instead of ids and
 * JSON. Examples for the entries people ask about ("who gave Edda access, and when?"), and
 * properties over every shape of row: a sentence always, never an id where the name is known, and
 * never a root's internal name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	AUDIT_CHANGES,
	ROOT_WORDS,
	CADENCES,
	DOCUMENT_ROOTS,
	INVITE_STATUSES,
	NO_AUDIT_NAMES,
	REASON_CODES,
	ROLES,
	describeAuditEntry,
	rootSpec,
	type AuditFacts,
	type AuditNames,
	type DocumentKind,
	type LeavingCounts,
	type PersonProvisioning
} from '../../src/lib/shared';
import { INVITE, VALID_ENTRIES } from '../support/entry-fixtures';

const DANA = '5f0c2a8e-7b1d-4c6e-9a3f-2d8b6e1c0a94';
const NILS = 'b3e1d7c2-0f4a-4e8b-a6d5-9c2f1e7b3a60';
const EDDA = 'e7a9c1f3-2b4d-4f6e-8a0c-1d3e5f7a9b2c';
const BOARD = 'c0ffee00-1234-4abc-8def-0123456789ab';

const NAMES: AuditNames = {
	...NO_AUDIT_NAMES,
	people: { [DANA]: 'Dana Admin', [NILS]: 'Nils Network', [EDDA]: 'Edda Silva' },
	addresses: { 'edda@aurora.example.edu': 'Edda Silva' },
	zones: { 'nl-office': 'Network Office', 'nl-aurora': 'Aurora University Library' },
	views: { global: 'Network Office (all institutions)', 'iz-aurora': 'Aurora University Library' },
	boards: { [BOARD]: 'Circulation overview' }
};

const member = (accountId: string, name: string, role: string) => ({
	accountId,
	email: `${name.split(' ')[0]!.toLowerCase()}@office.northernlights.example`,
	name,
	role,
	zoneId: 'nl-office',
	scope: 'all',
	joinedAt: 1,
	updatedBy: accountId,
	updatedAt: 1
});

function entry(facts: Partial<AuditFacts>): AuditFacts {
	return {
		at: 1,
		document: 'project/northern-lights',
		viewId: null,
		root: 'members',
		key: DANA,
		author: { id: NILS, name: 'Nils Network' },
		via: null,
		outcome: 'accepted',
		code: null,
		change: 'update',
		before: null,
		after: null,
		redacted: null,
		...facts
	};
}

describe('the sentence of an audit entry', () => {
	it('says who asked whom to hand over, and how it was answered', () => {
		const request = {
			id: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
			kind: 'step-down',
			askedBy: NILS,
			askedOf: DANA,
			stepDownTo: 'analyst',
			message: '',
			createdAt: 1,
			status: 'pending',
			answeredAt: null,
			reply: null
		};
		const handover = (facts: Partial<AuditFacts>) =>
			describeAuditEntry(entry({ root: 'handovers', key: request.id, ...facts }), NAMES);
		expect(handover({ change: 'add', after: request })).toBe(
			'Nils Network asked Dana Admin to step down to Analyst'
		);
		expect(
			handover({
				author: { id: DANA, name: 'Dana Admin' },
				before: request,
				after: { ...request, status: 'accepted', answeredAt: 2 }
			})
		).toBe('Dana Admin accepted Nils Network’s hand-over request');
	});

	it('tells a hand-over request the server closed (its library left) as closed, not withdrawn', () => {
		const request = {
			id: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
			kind: 'step-down',
			askedBy: NILS,
			askedOf: DANA,
			stepDownTo: 'analyst',
			message: '',
			createdAt: 1,
			status: 'pending',
			answeredAt: null,
			reply: null
		};
		const closed = { root: 'handovers', key: request.id, before: request };
		const after = { ...request, status: 'withdrawn', answeredAt: 2 };
		expect(describeAuditEntry(entry({ ...closed, author: null, after }), NAMES)).toBe(
			'Nils Network’s hand-over request to Dana Admin was closed'
		);
		expect(describeAuditEntry(entry({ ...closed, after }), NAMES)).toBe(
			'Nils Network withdrew their hand-over request to Dana Admin'
		);
	});

	it('says a library was offboarded, with what went and where, in one sentence', () => {
		const offboarded = {
			kind: 'library-offboarded',
			zoneId: 'nl-aurora',
			projects: [{ id: 'northern-lights', name: 'Northern Lights Analytics' }],
			people: 18,
			memberships: 18,
			invitations: 2,
			requests: 0,
			handovers: 0,
			subscriptionsEnded: 3,
			subscriptionsTrimmed: 1,
			portals: 1,
			grants: 0
		};
		const governance = (after: unknown) =>
			describeAuditEntry(
				entry({
					document: 'consortium/northern',
					root: 'governance',
					key: 'e1',
					author: { id: DANA, name: 'Dana Admin' },
					change: 'add',
					after
				}),
				NAMES
			);
		expect(governance(offboarded)).toBe(
			'Dana Admin offboarded Aurora University Library (18 people) from Northern Lights Analytics: removed 18 memberships and 2 open invitations; ended 3 subscriptions; took its people off 1 other subscription; revoked 1 portal'
		);
		const many = Array.from({ length: 5 }, (_, index) => ({ id: `p${index}`, name: `P${index}` }));
		expect(
			governance({
				...offboarded,
				projects: many,
				people: 1,
				memberships: 0,
				invitations: 0,
				subscriptionsEnded: 0,
				subscriptionsTrimmed: 0,
				portals: 0
			})
		).toBe(
			'Dana Admin offboarded Aurora University Library (1 person) from 5 projects: nothing of it was left to remove'
		);
	});

	it('says what a zone’s identity provider did to a person, and what their access lost', () => {
		const nothing: LeavingCounts &
			Pick<PersonProvisioning, 'projects' | 'sessions' | 'withoutAdmin'> = {
			projects: [],
			memberships: 0,
			invitations: 0,
			requests: 0,
			handovers: 0,
			subscriptionsEnded: 0,
			subscriptionsTrimmed: 0,
			grants: 0,
			sessions: 0,
			withoutAdmin: []
		};
		const acted = (act: string, counts: Partial<typeof nothing> = {}) =>
			describeAuditEntry(
				entry({
					document: 'consortium/northern',
					root: 'governance',
					key: 'e2',
					author: null,
					change: 'add',
					after: {
						kind: 'person-provisioning',
						act,
						zoneId: 'nl-aurora',
						zoneName: 'Aurora',
						accountId: EDDA,
						name: 'Edda Silva',
						email: 'edda@aurora.example.edu',
						...nothing,
						...counts
					}
				}),
				NAMES
			);
		const edda = 'Edda Silva (edda@aurora.example.edu)';
		expect(acted('provisioned')).toBe(`Aurora’s identity provider provisioned ${edda}`);
		expect(acted('reactivated')).toBe(
			`Aurora’s identity provider reactivated ${edda}: they may sign in again; their former memberships were not restored`
		);
		expect(acted('deleted')).toBe(
			`Aurora’s identity provider deleted ${edda}: they had no access left to end`
		);
		const projects = ['Loans', 'Circulation', 'Visits', 'Stock'].map((name, index) => ({
			id: `p${index}`,
			name
		}));
		expect(
			acted('deactivated', {
				projects,
				memberships: 4,
				invitations: 1,
				requests: 2,
				handovers: 1,
				subscriptionsEnded: 1,
				subscriptionsTrimmed: 2,
				grants: 1,
				sessions: 3,
				withoutAdmin: projects.slice(0, 2)
			})
		).toBe(
			`Aurora’s identity provider deactivated ${edda}: removed 4 memberships, 1 open invitation, 2 pending requests and 1 hand-over request (4 projects); ended 1 subscription; took them off 2 other subscriptions; withdrew 1 consent to portals; ended 3 sessions. Loans and Circulation have no Project Admin left`
		);
		expect(
			acted('deactivated', { projects: projects.slice(0, 1), memberships: 1, sessions: 1 })
		).toBe(
			`Aurora’s identity provider deactivated ${edda}: removed 1 membership (Loans); ended 1 session`
		);
	});

	it('says the server marked a zone as having left the consortium', () => {
		const zone = {
			id: 'nl-aurora',
			consortiumId: 'northern',
			kind: 'institution',
			name: 'Aurora University Library',
			emailDomains: []
		};
		expect(
			describeAuditEntry(
				entry({
					root: 'zones',
					key: 'nl-aurora',
					author: null,
					before: zone,
					after: { ...zone, leftAt: 5 }
				}),
				NAMES
			)
		).toBe('The server marked the zone Aurora University Library as having left the consortium');
	});

	it('says who changed whose role, from what to what', () => {
		expect(
			describeAuditEntry(
				entry({
					before: member(DANA, 'Dana Admin', 'admin'),
					after: { ...member(DANA, 'Dana Admin', 'consumer'), updatedBy: NILS }
				}),
				NAMES
			)
		).toBe('Nils Network changed Dana Admin’s role from Project Admin to Consumer');
	});

	it('says who invited whom, as what and from which zone, and through which portal', () => {
		const invite = {
			...INVITE,
			email: 'edda@aurora.example.edu',
			role: 'analyst',
			zoneId: 'nl-aurora',
			invitedBy: DANA
		};
		expect(
			describeAuditEntry(
				entry({
					root: 'invites',
					key: invite.id,
					author: { id: DANA, name: 'Dana Admin' },
					via: { portalId: 'portal-1', portalName: 'Staff Portal' },
					change: 'add',
					after: invite
				}),
				NAMES
			)
		).toBe(
			'Dana Admin via Staff Portal invited Edda Silva (edda@aurora.example.edu) as Analyst (Aurora University Library)'
		);
	});

	it('words a refused attempt as an attempt, with the reason in words', () => {
		expect(
			describeAuditEntry(
				entry({
					outcome: 'refused',
					code: 'admin-protected',
					author: { id: EDDA, name: 'Edda Silva' },
					change: 'delete',
					before: member(DANA, 'Dana Admin', 'admin')
				}),
				NAMES
			)
		).toBe(
			'Edda Silva tried to remove Dana Admin from the project; refused: a Project Admin cannot remove or demote another Project Admin'
		);
	});

	it('names a board by its name, and a person whose account is gone as such', () => {
		const subscription = {
			...VALID_ENTRIES.view.subscriptions!.value,
			boardId: BOARD,
			createdBy: EDDA,
			updatedBy: EDDA,
			recipients: ['edda@aurora.example.edu'],
			cadence: 'monthly'
		};
		expect(
			describeAuditEntry(
				entry({
					document: 'view/northern-lights/global',
					viewId: 'global',
					root: 'subscriptions',
					key: VALID_ENTRIES.view.subscriptions!.key,
					author: { id: 'gone-account', name: 'a deleted account' },
					change: 'add',
					after: subscription
				}),
				NAMES
			)
		).toBe('A deleted account subscribed Edda Silva to the board Circulation overview (monthly)');
	});

	it('tells the server’s own changes in the passive where a person is their subject', () => {
		expect(
			describeAuditEntry(
				entry({
					author: null,
					key: EDDA,
					change: 'add',
					after: { ...member(EDDA, 'Edda Silva', 'analyst'), zoneId: 'nl-aurora' }
				}),
				NAMES
			)
		).toBe('Edda Silva joined the project as Analyst (Aurora University Library)');
	});

	it('says what it knows of a change whose values were not recorded', () => {
		expect(
			describeAuditEntry(
				entry({
					document: `private/northern-lights/global/${EDDA}`,
					viewId: 'global',
					root: 'customEvents',
					key: 'ce1',
					author: { id: EDDA, name: 'Edda Silva' },
					change: 'add',
					redacted: 'private-document'
				}),
				NAMES
			)
		).toBe('Edda Silva added one of their own custom events (not recorded: private)');
	});
});

// ---- every shape of row ------------------------------------------------------------------------

const uuid = fc.uuid();
const PERSON_NAMES = ['Ada Lindqvist', 'Ben Okafor', 'Cleo Moreau', 'Dev Tanaka', 'Edda Silva'];
/** The internal names of roots, which no sentence may show. */
const INTERNAL_ROOT_NAMES = Object.keys(ROOT_WORDS).filter((root) => /[A-Z]/.test(root));
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface Pools {
	people: string[];
	zones: string[];
	views: string[];
	boards: string[];
	tables: string[];
	emails: string[];
}

const pools: fc.Arbitrary<Pools> = fc.record({
	people: fc.uniqueArray(uuid, { minLength: 3, maxLength: 3 }),
	zones: fc.uniqueArray(uuid, { minLength: 2, maxLength: 2 }),
	views: fc.uniqueArray(uuid, { minLength: 2, maxLength: 2 }),
	boards: fc.uniqueArray(uuid, { minLength: 2, maxLength: 2 }),
	tables: fc.uniqueArray(uuid, { minLength: 2, maxLength: 2 }),
	emails: fc.constant(['ada@aurora.example.edu', 'ben@office.example.org', 'x@mail.example.com'])
});

/** Every name the server would resolve for the pools' ids. */
function namesOf(pool: Pools): AuditNames {
	const named = (ids: string[], prefix: string) =>
		Object.fromEntries(ids.map((id, index) => [id, `${prefix} ${PERSON_NAMES[index]}`]));
	return {
		people: Object.fromEntries(pool.people.map((id, index) => [id, PERSON_NAMES[index]!])),
		addresses: { [pool.emails[0]!]: 'Ada Lindqvist' },
		zones: named(pool.zones, 'Zone'),
		views: named(pool.views, 'View'),
		boards: named(pool.boards, 'Board'),
		lookupTables: named(pool.tables, 'Table')
	};
}

/** A valid entry of the root, its ids drawn from the pools and its fields varied. */
function entryOf(kind: DocumentKind, root: string, pool: Pools): fc.Arbitrary<unknown> {
	const base = VALID_ENTRIES[kind][root]!.value;
	const one = (list: readonly string[]) => fc.constantFrom(...list);
	const stamps = fc.record({
		id: uuid,
		createdBy: one(pool.people),
		updatedBy: one(pool.people)
	});
	const scope = fc.oneof(fc.constant('all' as const), fc.subarray(pool.views, { minLength: 1 }));
	const name = fc.constantFrom('Loans', 'Visits', 'Renewals');
	const vary = (fields: Record<string, fc.Arbitrary<unknown>>) =>
		fc.record(fields).map((values) => ({ ...base, ...values }));
	switch (root) {
		case 'members':
			return vary({
				accountId: one(pool.people),
				role: fc.constantFrom(...ROLES),
				zoneId: one(pool.zones),
				scope,
				endsAt: fc.option(fc.nat()),
				updatedBy: one(pool.people)
			});
		case 'invites':
			return vary({
				id: uuid,
				email: one(pool.emails),
				role: fc.constantFrom(...ROLES),
				zoneId: one(pool.zones),
				scope,
				endsAt: fc.option(fc.nat()),
				invitedBy: one(pool.people),
				sendRequests: fc.integer({ min: 1, max: 3 }),
				status: fc.constantFrom(...INVITE_STATUSES),
				sentAt: fc.option(fc.nat()),
				failure: fc.option(fc.constantFrom('The mail server said no.'))
			});
		case 'requests':
			return fc.oneof(
				vary({
					id: uuid,
					requesterId: one(pool.people),
					requesterZoneId: one(pool.zones),
					status: fc.constantFrom('pending', 'approved', 'denied'),
					decidedBy: fc.option(one(pool.people)),
					decisionReason: fc.option(fc.constantFrom('Welcome', 'Not this year'))
				}),
				vary({
					id: uuid,
					kind: fc.constant('subscription'),
					requesterId: one(pool.people),
					requesterZoneId: one(pool.zones),
					viewId: one(pool.views),
					boardIds: fc.subarray(pool.boards, { minLength: 1 }),
					cadence: fc.constantFrom(...CADENCES),
					status: fc.constantFrom('pending', 'approved', 'denied')
				}).map(({ role: _role, ...request }) => request)
			);
		case 'subscriptions':
			return vary({
				boardId: one(pool.boards),
				cadence: fc.constantFrom(...CADENCES),
				recipients: fc.subarray(pool.emails, { minLength: 1 }),
				paused: fc.boolean()
			}).chain((value) => stamps.map((stamped) => ({ ...value, ...stamped })));
		case 'lexicon':
			return vary({
				id: uuid,
				hidden: fc.boolean(),
				description: fc.constantFrom('', 'A loan.'),
				tags: fc.subarray(['circulation', 'branch']),
				lookupTableId: fc.option(one(pool.tables)),
				mergedInto: fc.option(uuid)
			});
		case 'zones':
			return vary({ id: one(pool.zones) });
		case 'views':
			return vary({ id: one(pool.views), zoneId: one(pool.zones) });
		case 'settings':
		case 'projects':
		case 'notices':
			return fc.constant(base);
		default:
			return vary('name' in base ? { name } : {}).chain((value) =>
				stamps.map((stamped) => ({ ...value, ...stamped }))
			);
	}
}

const DOCUMENTS: Record<DocumentKind, string> = {
	project: 'project/p1',
	view: 'view/p1/v1',
	private: 'private/p1/v1/a1',
	user: 'user/a1'
};

/** The entry's key as its document stores it: its key field's value, for both values of a change. */
function keyedAlike(kind: DocumentKind, root: string, before: unknown, after: unknown) {
	const keyField = rootSpec(kind, root)!.keyField;
	const key =
		keyField === null
			? 'project'
			: String(((after ?? before) as Record<string, unknown> | null)?.[keyField] ?? 'k');
	const withKey = (value: unknown) =>
		value === null || keyField === null ? value : { ...(value as object), [keyField]: key };
	return { key, before: withKey(before), after: withKey(after) };
}

const rows = pools.chain((pool) =>
	fc
		.constantFrom(
			...(Object.keys(DOCUMENT_ROOTS) as DocumentKind[]).flatMap((kind) =>
				Object.keys(DOCUMENT_ROOTS[kind]).map((root) => ({ kind, root }))
			)
		)
		.chain(({ kind, root }) =>
			fc.record({
				pool: fc.constant(pool),
				row: fc
					.record({
						at: fc.nat(),
						document: fc.constant(DOCUMENTS[kind]),
						viewId: fc.constant(kind === 'view' || kind === 'private' ? pool.views[0]! : null),
						root: fc.constant(root),
						author: fc.option(
							fc
								.constantFrom(...pool.people)
								.map((id) => ({ id, name: PERSON_NAMES[pool.people.indexOf(id)]! }))
						),
						via: fc.option(uuid.map((portalId) => ({ portalId, portalName: 'Staff Portal' }))),
						outcome: fc.constantFrom('accepted' as const, 'refused' as const),
						code: fc.option(fc.constantFrom(...REASON_CODES)),
						change: fc.option(fc.constantFrom(...AUDIT_CHANGES)),
						before: fc.option(entryOf(kind, root, pool)),
						after: fc.option(entryOf(kind, root, pool)),
						redacted: fc.constantFrom(
							null,
							null,
							null,
							'private-document' as const,
							'too-large' as const
						)
					})
					.map((row): AuditFacts => ({ ...row, ...keyedAlike(kind, root, row.before, row.after) }))
			})
		)
);

describe('the sentences of access that ends', () => {
	const END = Date.UTC(2026, 7, 31, 23, 59, 59, 999);
	const edda = { ...member(EDDA, 'Edda Silva', 'analyst'), zoneId: 'nl-aurora' };

	it('says a membership ended as planned when the server removed it after its end date', () => {
		const ended = entry({
			author: null,
			key: EDDA,
			change: 'delete',
			before: { ...edda, endsAt: END },
			at: END + 1
		});
		expect(describeAuditEntry(ended, NAMES)).toBe(
			'Edda Silva’s access ended as planned (end date 31 Aug 2026)'
		);
		// The operators' removal before the end date is theirs, not the date's.
		expect(describeAuditEntry({ ...ended, at: END - 1 }, NAMES)).toBe(
			'Edda Silva was removed from the project'
		);
	});

	it('says who set, changed or cleared an end date, and when the server kept the last admin', () => {
		const change = (before: number | null, after: number | null, author = true) =>
			describeAuditEntry(
				entry({
					key: EDDA,
					author: author ? { id: DANA, name: 'Dana Admin' } : null,
					before: { ...edda, endsAt: before },
					after: { ...edda, endsAt: after }
				}),
				NAMES
			);
		expect(change(null, END)).toBe('Dana Admin set Edda Silva’s access to end on 31 Aug 2026');
		expect(change(END, null)).toBe('Dana Admin removed the end date of Edda Silva’s access');
		expect(change(null, null)).toBe('Dana Admin saved Edda Silva’s membership unchanged');
		expect(change(END, null, false)).toBe(
			'Edda Silva’s access was kept past its end date (31 Aug 2026): they were the project’s last Project Admin'
		);
		expect(
			describeAuditEntry(
				entry({
					key: EDDA,
					author: { id: DANA, name: 'Dana Admin' },
					before: { ...edda, endsAt: null },
					after: { ...edda, role: 'consumer', endsAt: END }
				}),
				NAMES
			)
		).toBe(
			'Dana Admin changed Edda Silva’s role from Analyst to Consumer and end date to 31 Aug 2026'
		);
	});

	it('says until when an invitation offers access', () => {
		expect(
			describeAuditEntry(
				entry({
					root: 'invites',
					key: INVITE.id,
					author: { id: DANA, name: 'Dana Admin' },
					change: 'add',
					after: { ...INVITE, email: 'edda@aurora.example.edu', zoneId: 'nl-aurora', endsAt: END }
				}),
				NAMES
			)
		).toBe(
			'Dana Admin invited Edda Silva (edda@aurora.example.edu) as Analyst (Aurora University Library), until 31 Aug 2026'
		);
	});
});

describe('every audit row shape', () => {
	it('yields a sentence with no id when the names are known, and no root’s internal name', () => {
		fc.assert(
			fc.property(rows, ({ pool, row }) => {
				const sentence = describeAuditEntry(row, namesOf(pool));
				expect(sentence.length).toBeGreaterThan(10);
				// A sentence begins with a capital, unless with an address as it is written.
				if (!/^\S+@/.test(sentence)) expect(sentence[0]).toBe(sentence[0]!.toUpperCase());
				expect(sentence).not.toMatch(UUID);
				for (const root of INTERNAL_ROOT_NAMES) expect(sentence).not.toContain(root);
				expect(sentence).not.toMatch(/\binvites\b/);
				if (row.outcome === 'refused') {
					expect(sentence).toMatch(/ tried to .*; refused: /);
					expect(sentence).toContain(row.author?.name ?? 'The server');
				}
			}),
			{ numRuns: 2000 }
		);
	});

	it('shows no id even when no name is known: the sentence says what is gone', () => {
		fc.assert(
			fc.property(rows, ({ row }) => {
				expect(describeAuditEntry(row, NO_AUDIT_NAMES)).not.toMatch(UUID);
			}),
			{ numRuns: 1000 }
		);
	});

	it('yields a sentence for any JSON values, in any root or document', () => {
		fc.assert(
			fc.property(
				fc.record({
					at: fc.nat(),
					document: fc.oneof(fc.constantFrom(...Object.values(DOCUMENTS)), fc.string()),
					viewId: fc.option(fc.string()),
					root: fc.oneof(
						fc.constantFrom(...Object.keys(ROOT_WORDS), '__proto__', 'constructor'),
						fc.string()
					),
					key: fc.string(),
					author: fc.option(fc.record({ id: fc.string(), name: fc.string() })),
					via: fc.constant(null),
					outcome: fc.constantFrom('accepted' as const, 'refused' as const),
					code: fc.option(fc.constantFrom(...REASON_CODES)),
					change: fc.option(fc.constantFrom(...AUDIT_CHANGES)),
					before: fc.jsonValue(),
					after: fc.jsonValue(),
					redacted: fc.constantFrom(null, 'private-document' as const, 'too-large' as const)
				}),
				(row) => {
					const sentence = describeAuditEntry(row, NO_AUDIT_NAMES);
					expect(typeof sentence).toBe('string');
					for (const root of INTERNAL_ROOT_NAMES) {
						if (!row.author?.name.includes(root)) expect(sentence).not.toContain(root);
					}
				}
			),
			{ numRuns: 2000 }
		);
	});
});
