/** The preview of a library's offboarding: totals, refusals, what goes and stays per project. */
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { OffboardingPlan } from '../../src/lib/shared';
import OffboardingPreview from '../../src/lib/components/OffboardingPreview.svelte';

const COUNTS = {
	people: 2,
	memberships: 2,
	invitations: 0,
	requests: 1,
	handovers: 0,
	subscriptionsEnded: 1,
	subscriptionsTrimmed: 1,
	portals: 0,
	grants: 0
};

function plan(changes: Partial<OffboardingPlan> = {}): OffboardingPlan {
	return {
		consortium: { id: 'h', name: 'Harbour', mode: 'institution-zone' },
		zone: { id: 'cove', name: 'Cove Public Library' },
		people: ['cora', 'caleb'],
		projects: [
			{
				projectId: 'cove',
				projectName: 'Cove Analytics',
				memberships: [
					{ accountId: 'cora', name: 'Cora Cove', email: 'cora@cove.example.org', role: 'admin' },
					{
						accountId: 'caleb',
						name: 'Caleb Reader',
						email: 'caleb@cove.example.org',
						role: 'consumer'
					}
				],
				invitations: [],
				requests: [
					{
						requestId: 'r1',
						kind: 'join',
						requesterName: 'Hana Harbour',
						requesterEmail: 'hana@office.harbour.example'
					}
				],
				handovers: [],
				subscriptions: [
					{
						viewId: 'main',
						viewName: 'Cove Public Library',
						subscriptionId: 's1',
						boardName: 'Loans',
						outcome: 'end',
						reason: 'shows-its-data',
						recipients: []
					},
					{
						viewId: 'main',
						viewName: 'Cove Public Library',
						subscriptionId: 's2',
						boardName: 'Visits',
						outcome: 'trim',
						reason: 'some-of-its-people',
						recipients: ['caleb@cove.example.org']
					}
				],
				keptViews: [{ viewId: 'main', viewName: 'Cove Public Library' }],
				marksZoneLeft: true
			}
		],
		portals: [],
		grants: [],
		refusals: [],
		counts: COUNTS,
		unfinished: null,
		leftAt: null,
		fingerprint: 'f',
		...changes
	};
}

describe('OffboardingPreview', () => {
	it('says what goes and what stays, project by project', () => {
		render(OffboardingPreview, { props: { plan: plan() } });
		expect(screen.getByText('Memberships removed').nextElementSibling).toHaveTextContent('2');
		expect(
			screen.getByText(/Nothing else to do: no open invitations, hand-over requests/)
		).toBeVisible();
		const project = screen.getByRole('region', { name: 'Cove Analytics' });
		expect(within(project).getByText('Memberships removed (2)')).toBeVisible();
		expect(within(project).getByText(/Cora Cove/)).toBeVisible();
		expect(within(project).getByText(/ends: it sends Cove Public Library’s data/)).toBeVisible();
		expect(within(project).getByText(/goes on without caleb@cove.example.org/)).toBeVisible();
		expect(
			within(project).getByText(/denied: “Cove Public Library left the consortium.”/)
		).toBeVisible();
		expect(
			within(project).getByText(/The data view Cove Public Library, with its data/)
		).toBeVisible();
		expect(screen.queryByRole('region', { name: 'Portals' })).toBeNull();
	});

	it('says what refuses it, and an offboarding that did not finish', () => {
		render(OffboardingPreview, {
			props: {
				plan: plan({
					refusals: [
						{
							code: 'last-admin',
							projectId: 'cove',
							projectName: 'Cove Analytics',
							message: 'Cove Analytics would have no Project Admin left.'
						}
					],
					unfinished: { startedAt: Date.UTC(2026, 10, 30, 12), startedByName: 'Dana Admin' }
				})
			}
		});
		const alert = screen.getByRole('alert');
		expect(alert).toHaveTextContent('Cove Public Library cannot be offboarded yet');
		expect(alert).toHaveTextContent('Cove Analytics would have no Project Admin left.');
		expect(screen.getByText(/Dana Admin began it on/)).toBeVisible();
	});
});
