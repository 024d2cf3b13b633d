/**
 * The shared parts of "why has access": who may look into whose access (the one rule the server
 * enforces and the console's navigation follows), which data views show a zone's data, and the
 * sentence for each path, which the page and the CSV file both print.
 */
import { describe, expect, it } from 'vitest';
import {
	accessReach,
	describeAccessPath,
	describeViews,
	isNetworkZoneAdmin,
	reachesZone,
	scopeReaches,
	viewsShowingZone,
	type AccessPath,
	type DataView,
	type Role
} from '../../src/lib/shared';

const NOV_3 = Date.UTC(2026, 10, 3, 12);
const NOV_4 = Date.UTC(2026, 10, 4, 12);
const DEC_5 = Date.UTC(2026, 11, 5, 12);
const ada = { kind: 'person', accountId: 'ada', name: 'Ada Admin' } as const;
const ben = { kind: 'person', accountId: 'ben', name: 'Ben Admin' } as const;

function path(changes: Partial<AccessPath>): AccessPath {
	return {
		kind: 'direct',
		by: { kind: 'office' },
		askedAt: null,
		grantedAt: NOV_3,
		roleSet: null,
		viewsSet: null,
		...changes
	};
}

const sentence = (changes: Partial<AccessPath>, role: Role = 'analyst', accountId = 'edda') =>
	describeAccessPath({ accountId }, { role, path: path(changes) }, 'UTC');

describe('who may look into whose access', () => {
	const admin = (zoneKind: 'network' | 'institution', zoneId: string = zoneKind) =>
		({ role: 'admin', zoneId, zoneKind }) as const;

	it('the Network Zone’s Project Admins: every zone, in either mode', () => {
		for (const mode of ['network-zone', 'institution-zone'] as const)
			expect(accessReach(mode, [admin('network')])).toEqual({ everyZone: true });
		expect(isNetworkZoneAdmin([admin('network')])).toBe(true);
	});

	it('a library’s own Project Admins: their zone, in institution-zone management only', () => {
		const reach = accessReach('institution-zone', [admin('institution', 'aurora')]);
		expect(reach).toEqual({ everyZone: false, zoneIds: ['aurora'] });
		expect(reachesZone(reach, 'aurora')).toBe(true);
		expect(reachesZone(reach, 'borealis')).toBe(false);
		expect(accessReach('network-zone', [admin('institution', 'aurora')])).toEqual({
			everyZone: false,
			zoneIds: []
		});
	});

	it('nobody who is not a Project Admin', () => {
		for (const role of ['analyst', 'consumer'] as const) {
			const memberships = [
				{ role, zoneId: 'network', zoneKind: 'network' as const },
				{ role, zoneId: 'aurora', zoneKind: 'institution' as const }
			];
			expect(isNetworkZoneAdmin(memberships)).toBe(false);
			expect(accessReach('institution-zone', memberships)).toEqual({
				everyZone: false,
				zoneIds: []
			});
		}
	});
});

describe('which memberships reach a zone’s data', () => {
	const views: DataView[] = [
		{ id: 'global', name: 'Office (all institutions)', kind: 'global', zoneId: 'nz' },
		{ id: 'iz-aurora', name: 'Aurora', kind: 'institution', zoneId: 'aurora' },
		{ id: 'iz-borealis', name: 'Borealis', kind: 'institution', zoneId: 'borealis' }
	];

	it('the zone’s own views and the global views, which show every institution', () => {
		expect(viewsShowingZone(views, 'aurora').map((view) => view.id)).toEqual([
			'global',
			'iz-aurora'
		]);
		const ids = ['global', 'iz-aurora'];
		expect(scopeReaches('all', ids)).toBe(true);
		expect(scopeReaches(['iz-aurora'], ids)).toBe(true);
		expect(scopeReaches(['iz-borealis'], ids)).toBe(false);
	});

	it('nothing, in a project with no view of the zone, whatever the scope', () => {
		expect(scopeReaches('all', [])).toBe(false);
	});

	it('are worded as all data views, or their names', () => {
		expect(describeViews({ allViews: true, views: [] })).toBe('All data views');
		expect(
			describeViews({
				allViews: false,
				views: [
					{ id: 'a', name: 'Aurora' },
					{ id: 'b', name: 'Borealis' }
				]
			})
		).toBe('Aurora, Borealis');
	});
});

describe('the sentence of each path', () => {
	it('says who gave access, how and when', () => {
		expect(sentence({ kind: 'invitation', by: ada, askedAt: NOV_3, grantedAt: NOV_4 })).toBe(
			'Invited by Ada Admin on 3 Nov 2026, accepted 4 Nov 2026.'
		);
		expect(sentence({ kind: 'invitation', by: { kind: 'office' }, askedAt: NOV_3 })).toBe(
			'Invited by the consortium office on 3 Nov 2026, accepted 3 Nov 2026.'
		);
		expect(sentence({ kind: 'existing-account', by: ada, askedAt: NOV_3 })).toBe(
			'Added as an existing user by Ada Admin on 3 Nov 2026.'
		);
		expect(sentence({ kind: 'request', by: ada, askedAt: NOV_3, grantedAt: NOV_4 })).toBe(
			'Asked to join on 3 Nov 2026, approved by Ada Admin on 4 Nov 2026.'
		);
		expect(sentence({})).toBe('Added by the consortium office on 3 Nov 2026.');
		expect(sentence({ by: { kind: 'person', accountId: 'gone', name: null } })).toBe(
			'Added by a deleted account on 3 Nov 2026.'
		);
	});

	it('says so where nothing was recorded, honestly', () => {
		expect(sentence({ kind: 'unrecorded', by: null })).toBe(
			'Member since 3 Nov 2026; how access was given is not known (before access paths were recorded).'
		);
		expect(sentence({ kind: 'unrecorded', by: null, grantedAt: null })).toBe(
			'How access was given is not known (before access paths were recorded).'
		);
	});

	it('adds who changed the role and the data views since', () => {
		expect(
			sentence({ roleSet: { by: ben, at: DEC_5 }, viewsSet: { by: ada, at: DEC_5 } }, 'admin')
		).toBe(
			'Added by the consortium office on 3 Nov 2026. Made Project Admin by Ben Admin on 5 Dec 2026. Data views changed by Ada Admin on 5 Dec 2026.'
		);
		expect(sentence({ roleSet: { by: ben, at: DEC_5 } }, 'consumer', 'ben')).toBe(
			'Added by the consortium office on 3 Nov 2026. Changed their own role to Consumer on 5 Dec 2026.'
		);
	});

	it('says a date in the reader’s time zone', () => {
		const late = Date.UTC(2026, 10, 3, 23, 30);
		expect(
			describeAccessPath(
				{ accountId: 'e' },
				{ role: 'analyst', path: path({ grantedAt: late }) },
				'Asia/Tokyo'
			)
		).toBe('Added by the consortium office on 4 Nov 2026.');
	});
});
