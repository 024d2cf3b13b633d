/**
 * The preview of a change to a member's access (`previewAccessChange`) against what the rules say,
 * worked out here another way: for random members and changes, the rows it says are lost are
 * exactly the seed's rows whose cell reached something before and not after, the data views and
 * the subscriptions likewise; and its words (`describeAccessChange`) say what it found.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	PERMISSION_MATRIX,
	checkPermission,
	describeAccessChange,
	membershipNews,
	previewAccessChange,
	type AccessHolding,
	type Cell,
	type Role,
	type Scope,
	type SubscriptionOfView
} from '../../src/lib/shared';
import { NETWORK_VIEWS, member } from '../support/policy-fixtures';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const ROLE = fc.constantFrom<Role>('admin', 'analyst', 'consumer');
const VIEW_IDS = NETWORK_VIEWS.map((view) => view.id);
const SCOPE: fc.Arbitrary<Scope> = fc.oneof(
	fc.constant<Scope>('all'),
	fc.subarray(VIEW_IDS, { minLength: 1 })
);
const HOLDING: fc.Arbitrary<AccessHolding> = fc.record({ role: ROLE, scope: SCOPE });
/** A change: a new role and data views, or a removal (null). */
const NEXT = fc.option(HOLDING, { nil: null, freq: 4 });

const MEMBER_EMAIL = 'nia@office.example.org';
const SUBSCRIPTION: fc.Arbitrary<SubscriptionOfView> = fc.record({
	id: fc.uuid(),
	viewId: fc.constantFrom(...VIEW_IDS),
	boardName: fc.constantFrom('Loans', 'Visits', 'Renewals'),
	cadence: fc.constantFrom('daily', 'weekly', 'monthly'),
	paused: fc.boolean(),
	// The member's address, as stored or in capitals, among others, or not at all.
	recipients: fc.subarray([MEMBER_EMAIL, 'NIA@office.example.org', 'ada@office.example.org'], {
		minLength: 1
	})
});

/**
 * What a cell of the seed's table reaches, of someone else's shared object, one's own shared
 * object and one's own private item: written from the seed's words, not from the policy's code.
 */
const REACHES: Record<Cell, readonly boolean[]> = {
	yes: [true, true, true],
	creator: [false, true, true],
	self: [false, false, true],
	no: [false, false, false]
};
const cellOf = (holding: AccessHolding | null, row: (typeof PERMISSION_MATRIX)[number]): Cell =>
	holding ? row.cells[holding.role] : 'no';
const reachesMore = (a: Cell, b: Cell) =>
	REACHES[a].some((reached, index) => reached && !REACHES[b][index]);

const readsView = (holding: AccessHolding | null, viewId: string) =>
	holding !== null && (holding.scope === 'all' || holding.scope.includes(viewId));

function preview(
	before: AccessHolding,
	next: AccessHolding | null,
	subscriptions: SubscriptionOfView[] | null = [],
	approvedSubscriber = false
) {
	const nia = { ...member('nia', before.role, 'nz', before.scope), name: 'Nia Network' };
	return previewAccessChange(
		{ views: NETWORK_VIEWS, subscriptions, approvedSubscriber },
		nia,
		next
	);
}

describe('previewAccessChange, for random members and changes', () => {
	it('loses exactly the rows whose cell reached something before and not after, and gains the others', () => {
		fc.assert(
			fc.property(HOLDING, NEXT, (before, next) => {
				const result = preview(before, next);
				const lost = PERMISSION_MATRIX.filter((row) =>
					reachesMore(cellOf(before, row), cellOf(next, row))
				).map((row) => row.action);
				const gained = PERMISSION_MATRIX.filter((row) =>
					reachesMore(cellOf(next, row), cellOf(before, row))
				).map((row) => row.action);
				expect(result.losses.rows.map((row) => row.action)).toEqual(lost);
				expect(result.gains.rows.map((row) => row.action)).toEqual(gained);
			}),
			{ numRuns: RUNS }
		);
	});

	it('agrees with checkPermission: a lost row allowed something before that it refuses after', () => {
		const targets = [
			{ placement: 'shared', createdBy: 'other' },
			{ placement: 'shared', createdBy: 'nia' },
			{ placement: 'private', createdBy: 'nia' }
		] as const;
		const allowed = (holding: AccessHolding | null, action: string) =>
			targets.map(
				(target) =>
					holding !== null &&
					checkPermission({ role: holding.role, action, actorId: 'nia', target }).ok
			);
		fc.assert(
			fc.property(HOLDING, NEXT, (before, next) => {
				const lost = new Set(preview(before, next).losses.rows.map((row) => row.action));
				for (const row of PERMISSION_MATRIX) {
					const was = allowed(before, row.action);
					const will = allowed(next, row.action);
					expect(lost.has(row.action)).toBe(was.some((ok, index) => ok && !will[index]));
				}
			}),
			{ numRuns: RUNS }
		);
	});

	it('gains and loses the data views read before and not after, and managing users with Admin', () => {
		fc.assert(
			fc.property(HOLDING, NEXT, (before, next) => {
				const result = preview(before, next);
				expect(result.losses.views.map((view) => view.id)).toEqual(
					VIEW_IDS.filter((id) => readsView(before, id) && !readsView(next, id))
				);
				expect(result.gains.views.map((view) => view.id)).toEqual(
					VIEW_IDS.filter((id) => !readsView(before, id) && readsView(next, id))
				);
				expect(result.losses.managesUsers).toBe(before.role === 'admin' && next?.role !== 'admin');
				expect(result.gains.managesUsers).toBe(before.role !== 'admin' && next?.role === 'admin');
			}),
			{ numRuns: RUNS }
		);
	});

	it('stops the subscriptions naming the member in a view they stop reading, unless approved', () => {
		fc.assert(
			fc.property(
				HOLDING,
				NEXT,
				fc.array(SUBSCRIPTION, { maxLength: 6 }),
				fc.boolean(),
				(before, next, subscriptions, approved) => {
					const result = preview(before, next, subscriptions, approved);
					const naming = subscriptions.filter((subscription) =>
						subscription.recipients.some((email) => email.toLowerCase() === MEMBER_EMAIL)
					);
					const stopping = approved
						? []
						: naming.filter(
								(subscription) =>
									readsView(before, subscription.viewId) && !readsView(next, subscription.viewId)
							);
					const resuming = approved
						? []
						: naming.filter(
								(subscription) =>
									!readsView(before, subscription.viewId) && readsView(next, subscription.viewId)
							);
					const ids = (list: readonly { id: string }[]) => list.map((entry) => entry.id).sort();
					expect(ids(result.losses.subscriptions)).toEqual(ids(stopping));
					expect(ids(result.gains.subscriptions)).toEqual(ids(resuming));
					expect(result.subscriptionsKnown).toBe(true);
				}
			),
			{ numRuns: RUNS }
		);
	});

	it('changes nothing when the role and data views stay', () => {
		fc.assert(
			fc.property(HOLDING, fc.array(SUBSCRIPTION, { maxLength: 4 }), (holding, subscriptions) => {
				const result = preview(holding, holding, subscriptions);
				expect(result.gains).toEqual(result.losses);
				expect(result.losses).toEqual({
					managesUsers: false,
					rows: [],
					views: [],
					subscriptions: []
				});
			}),
			{ numRuns: RUNS }
		);
	});
});

describe('the preview in words', () => {
	const loans: SubscriptionOfView = {
		id: 's1',
		viewId: 'v-borealis',
		boardName: 'Loans',
		cadence: 'weekly',
		paused: false,
		recipients: [MEMBER_EMAIL]
	};

	it('says what an Analyst moved to Consumer of one view loses, subscriptions by name', () => {
		const result = preview(
			{ role: 'analyst', scope: 'all' },
			{ role: 'consumer', scope: ['global'] },
			[loans]
		);
		const words = describeAccessChange(result, { name: 'Nia Network', isYou: false });
		expect(words.gains).toEqual([]);
		expect(words.losses).toEqual([
			{
				label: 'Permissions',
				kind: 'permissions',
				items: [
					'Create/Edit User Profiles',
					'Create Subscriptions for Boards',
					'Create/Edit Custom Events (shared ones)',
					'Create/Edit Saved Behaviors (shared ones)',
					'Create/Edit Saved Formulas (shared ones)',
					'Create/Edit Custom Properties (shared ones)'
				]
			},
			{ label: 'Data views', kind: 'views', items: ['Aurora', 'Borealis'] },
			{
				label: '1 subscription stops reaching them',
				kind: 'subscriptions',
				items: ['the weekly digest of Loans (Borealis)']
			}
		]);
		expect(words.text).toBe(
			'Nia Network loses: permissions Create/Edit User Profiles, Create Subscriptions for Boards, Create/Edit Custom Events (shared ones), Create/Edit Saved Behaviors (shared ones), Create/Edit Saved Formulas (shared ones) and Create/Edit Custom Properties (shared ones); data views Aurora and Borealis. 1 subscription stops reaching them: the weekly digest of Loans (Borealis).'
		);
	});

	it('says what one gains by being made Project Admin, to "you"', () => {
		const result = preview(
			{ role: 'analyst', scope: ['global'] },
			{ role: 'admin', scope: 'all' },
			[{ ...loans, paused: true }]
		);
		const words = describeAccessChange(result, { name: 'Nia Network', isYou: true });
		expect(words.gainsHeading).toBe('You gain');
		expect(words.gains.map((line) => line.label)).toEqual([
			'Managing the project’s users',
			'Permissions',
			'Data views',
			'1 subscription reaches you again'
		]);
		expect(words.gains[3]!.items).toEqual(['the weekly digest of Loans (Borealis, paused)']);
		expect(words.losses).toEqual([]);
	});

	it('counts the subscriptions beyond the first three, and says when they could not be checked', () => {
		const many = ['a', 'b', 'c', 'd', 'e'].map((id) => ({
			...loans,
			id,
			boardName: `Board ${id}`
		}));
		const removal = describeAccessChange(
			preview({ role: 'consumer', scope: ['v-borealis'] }, null, many),
			{ name: 'Nia Network', isYou: false }
		);
		expect(removal.losses.at(-1)).toEqual({
			label: '5 subscriptions stop reaching them',
			kind: 'subscriptions',
			items: [
				'the weekly digest of Board a (Borealis)',
				'the weekly digest of Board b (Borealis)',
				'the weekly digest of Board c (Borealis)',
				'2 more'
			]
		});
		const offline = describeAccessChange(
			preview({ role: 'consumer', scope: ['global'] }, { role: 'consumer', scope: 'all' }, null),
			{ name: 'Nia Network', isYou: false }
		);
		expect(offline.note).toBe(
			'The subscriptions that would stop could not be checked: the server could not be reached.'
		);
		expect(offline.text).toBe(
			'Nia Network gains: data views Aurora and Borealis. The subscriptions that would stop could not be checked: the server could not be reached.'
		);
	});

	it('says so when nothing changes', () => {
		const same = { role: 'analyst', scope: 'all' } as const;
		expect(describeAccessChange(preview(same, same), { name: 'Nia', isYou: false }).text).toBe(
			'Nothing changes in what Nia can do or read.'
		);
	});
});

describe('the membership news', () => {
	it('names the data views a member was moved out of, as the preview finds them', () => {
		const news = membershipNews({
			actorName: 'Ada',
			projectName: 'Analytics',
			before: { role: 'analyst', scope: 'all' },
			after: { role: 'analyst', scope: ['global'] },
			views: NETWORK_VIEWS
		});
		expect(news?.text).toBe(
			'Ada changed your data views in Analytics. You no longer see the data views Aurora and Borealis.'
		);
	});
});
