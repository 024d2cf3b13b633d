import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import ReviewPeopleTable from '../../src/lib/components/ReviewPeopleTable.svelte';
import type { ReviewItem } from '../../src/lib/shared';

const OWN_ACCESS = 'Another reviewer decides about your own access: nobody attests to their own.';
const ADMIN_PROTECTED = 'Only Ivy Admin can give up their Project Admin role.';

function item(accountId: string, name: string, changes: Partial<ReviewItem> = {}): ReviewItem {
	return {
		accountId,
		name,
		email: `${accountId}@aurora.example.edu`,
		zoneId: 'aurora',
		role: 'consumer',
		scope: ['v-aurora'],
		joinedAt: Date.UTC(2026, 0, 5),
		reason: 'Member since 5 Jan 2026',
		outcome: null,
		decidedBy: null,
		decidedAt: null,
		isMember: true,
		decisionBlocked: null,
		removalBlocked: null,
		...changes
	};
}

const ITEMS = [
	item('al', 'Al Analyst', { role: 'analyst' }),
	item('ava', 'Ava Admin', { role: 'admin', scope: 'all', decisionBlocked: OWN_ACCESS }),
	item('cy', 'Cy Consumer', {
		outcome: 'keep',
		decidedBy: { accountId: 'ava', name: 'Ava Admin' },
		decidedAt: Date.UTC(2026, 1, 2, 12)
	}),
	item('ivy', 'Ivy Admin', { role: 'admin', scope: 'all', removalBlocked: ADMIN_PROTECTED })
];

function setup(open = true) {
	const user = userEvent.setup();
	const onDecide = vi.fn();
	render(ReviewPeopleTable, {
		props: {
			items: ITEMS,
			projectName: 'Analytics',
			zoneNames: { aurora: 'Aurora' },
			viewNames: { 'v-aurora': 'Aurora data' },
			showZone: false,
			open,
			onDecide
		}
	});
	return { user, onDecide };
}

const rowOf = (name: string) =>
	screen
		.getByRole('rowheader', { name: new RegExp(`^${name}`) })
		.closest('[role="row"]') as HTMLElement;

describe('ReviewPeopleTable', () => {
	it('lists each person with their access, its reason, and the decision taken', () => {
		setup();
		expect(screen.getByRole('table', { name: 'People of the review' })).toBeTruthy();
		const al = within(rowOf('Al Analyst'));
		expect(al.getByText('Analyst')).toBeTruthy();
		expect(al.getByText('· Aurora data')).toBeTruthy();
		expect(al.getByText('Member since 5 Jan 2026')).toBeTruthy();
		const cy = within(rowOf('Cy Consumer'));
		expect(cy.getByText('Kept')).toBeTruthy();
		expect(cy.getByText(/by Ava Admin/)).toBeTruthy();
		expect(cy.queryByRole('button')).toBeNull();
	});

	it('keeps at once, and removes only after a confirmation', async () => {
		const { user, onDecide } = setup();
		await user.click(screen.getByRole('button', { name: 'Keep Al Analyst’s access' }));
		expect(onDecide).toHaveBeenCalledWith('al', 'keep');
		await user.click(screen.getByRole('button', { name: 'Remove Al Analyst from Analytics' }));
		const dialog = screen.getByRole('dialog', { name: 'Remove Al Analyst?' });
		expect(onDecide).toHaveBeenCalledTimes(1);
		await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
		expect(onDecide).toHaveBeenLastCalledWith('al', 'remove');
	});

	it('says why a person cannot be decided about, or removed, with the buttons described by it', async () => {
		const { user, onDecide } = setup();
		const ava = within(rowOf('Ava Admin'));
		const keepAva = ava.getByRole('button', { name: 'Keep Ava Admin’s access' });
		expect(keepAva.getAttribute('aria-disabled')).toBe('true');
		expect(keepAva.getAttribute('aria-describedby')).toBe(ava.getByText(OWN_ACCESS).id);
		await user.click(keepAva);

		const ivy = within(rowOf('Ivy Admin'));
		const note = ivy.getByText(`This review cannot remove them: ${ADMIN_PROTECTED}`);
		const removeIvy = ivy.getByRole('button', { name: 'Remove Ivy Admin from Analytics' });
		expect(removeIvy.getAttribute('aria-disabled')).toBe('true');
		expect(removeIvy.getAttribute('aria-describedby')).toBe(note.id);
		await user.click(removeIvy);
		expect(
			ivy.getByRole('button', { name: 'Keep Ivy Admin’s access' }).getAttribute('aria-disabled')
		).toBeNull();
		expect(onDecide).not.toHaveBeenCalled();
	});

	it('shows the undecided as such once the review is closed, with nothing to press', () => {
		setup(false);
		expect(within(rowOf('Al Analyst')).getByText('Undecided')).toBeTruthy();
		expect(screen.queryAllByRole('button')).toEqual([]);
	});
});
