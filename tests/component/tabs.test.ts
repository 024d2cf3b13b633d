import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import TabsHarness from './harness/TabsHarness.svelte';

describe('Tabs', () => {
	it('moves between tabs with the arrow keys, Home and End, showing the chosen panel', async () => {
		const user = userEvent.setup();
		const onSelect = vi.fn();
		render(TabsHarness, { props: { onSelect } });
		const users = screen.getByRole('tab', { name: 'Users' });
		const invited = screen.getByRole('tab', { name: /Invited Users/ });
		expect(users).toHaveAttribute('aria-selected', 'true');
		expect(screen.getByRole('tabpanel', { name: 'Users' })).toHaveTextContent('The users panel');

		await user.click(users);
		await user.keyboard('{ArrowRight}');
		expect(invited).toHaveFocus();
		expect(invited).toHaveAttribute('aria-selected', 'true');
		expect(screen.getByRole('tabpanel', { name: /Invited Users/ })).toHaveTextContent(
			'The invited users panel'
		);
		expect(screen.queryByText('The users panel')).not.toBeInTheDocument();
		expect(onSelect).toHaveBeenLastCalledWith('invited');

		await user.keyboard('{ArrowRight}');
		expect(users).toHaveFocus();
		await user.keyboard('{ArrowLeft}');
		expect(invited).toHaveFocus();
		await user.keyboard('{Home}');
		expect(users).toHaveFocus();
		await user.keyboard('{End}');
		expect(invited).toHaveFocus();
	});

	it('lets Tab reach only the selected tab, then the panel', async () => {
		const user = userEvent.setup();
		render(TabsHarness, { props: { onSelect: () => {} } });
		await user.tab();
		expect(screen.getByRole('tab', { name: 'Users' })).toHaveFocus();
		await user.tab();
		expect(screen.getByRole('button', { name: 'Inside users' })).toHaveFocus();
	});

	it('shows a count beside a tab label', () => {
		render(TabsHarness, { props: { onSelect: () => {} } });
		expect(screen.getByRole('tab', { name: 'Invited Users 3' })).toBeInTheDocument();
	});
});
