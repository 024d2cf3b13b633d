/**
 * The preview of a change in its confirmation on Project Users: a role chosen in the menu, data
 * views chosen in their dialog and a removal each show what the member gains and loses before
 * anything is written, first what the console knows, then the server's answer with the
 * subscriptions that would stop (here the server's part is the same shared function, answered
 * when the test says), or a note when it cannot be asked.
 */
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import MembersTable from '../../src/lib/components/MembersTable.svelte';
import { previewOfChange } from '../../src/lib/console/change-preview';
import {
	previewAccessChange,
	type AccessHolding,
	type AccessPreview,
	type Member,
	type SubscriptionOfView
} from '../../src/lib/shared';
import { ADMIN, VIEWS, ZONES, member, permissionsFor } from './fixtures';

const NILS = member('nils', 'Nils Network', 'analyst', 'nz');
const MEMBERS: Member[] = [ADMIN, NILS, member('aino', 'Aino Aurora', 'analyst', 'aurora')];
const LOANS: SubscriptionOfView = {
	id: 's1',
	viewId: 'v-borealis',
	boardName: 'Loans',
	cadence: 'weekly',
	paused: false,
	recipients: [NILS.email]
};

/** The server's part of the preview, answered when the test calls `answer` (null: unreachable). */
function server() {
	const asked: Array<{ next: AccessHolding | null; answer: (reachable: boolean) => void }> = [];
	const ask = (accountId: string, next: AccessHolding | null) =>
		new Promise<AccessPreview | null>((resolve) => {
			const target = MEMBERS.find((entry) => entry.accountId === accountId)!;
			asked.push({
				next,
				answer: (reachable) =>
					resolve(
						reachable
							? previewAccessChange(
									{ views: VIEWS, subscriptions: [LOANS], approvedSubscriber: false },
									target,
									next
								)
							: null
					)
			});
		});
	return { ask, asked };
}

function setup() {
	const user = userEvent.setup();
	const { ask, asked } = server();
	const handlers = { onChangeRole: vi.fn(), onChangeViews: vi.fn(), onRemove: vi.fn() };
	render(MembersTable, {
		props: {
			members: MEMBERS,
			zones: ZONES,
			views: VIEWS,
			currentAccountId: ADMIN.accountId,
			permissionsFor: permissionsFor(MEMBERS),
			previewOf: (target: Member, change: Parameters<typeof previewOfChange>[2]) =>
				previewOfChange(VIEWS, target, change, ask),
			projectName: 'Consortium analytics',
			...handlers
		}
	});
	return { user, asked, ...handlers };
}

describe('the preview of a change, in its confirmation', () => {
	it('shows what a role change takes before it is made, then the subscriptions that stop', async () => {
		const { user, asked, onChangeRole } = setup();
		await user.click(screen.getByRole('button', { name: 'Role of Nils Network: Analyst' }));
		await user.click(screen.getByRole('menuitemradio', { name: 'Consumer' }));

		const dialog = screen.getByRole('dialog', { name: 'Make Nils Network Consumer?' });
		// Quick to confirm: focus is on the confirming button.
		expect(within(dialog).getByRole('button', { name: 'Change role' })).toHaveFocus();
		const losses = within(dialog).getByRole('region', { name: 'Nils Network loses' });
		expect(losses).toHaveTextContent('Create Subscriptions for Boards');
		expect(losses).toHaveTextContent('Create/Edit Custom Events (shared ones)');
		expect(within(dialog).queryByRole('region', { name: 'Nils Network gains' })).toBeNull();
		expect(dialog).toHaveTextContent('Checking which subscriptions would stop…');
		expect(asked.map((question) => question.next)).toEqual([{ role: 'consumer', scope: 'all' }]);

		// A Consumer of every view still reads Borealis: the server finds nothing that stops.
		asked[0]!.answer(true);
		await waitFor(() =>
			expect(dialog).not.toHaveTextContent('Checking which subscriptions would stop…')
		);
		expect(dialog).not.toHaveTextContent('subscription');
		expect(onChangeRole).not.toHaveBeenCalled();

		await user.click(within(dialog).getByRole('button', { name: 'Change role' }));
		expect(onChangeRole).toHaveBeenCalledWith('nils', 'consumer');
		expect(screen.queryByRole('dialog')).toBeNull();
	});

	it('previews data views as they are chosen, and changes them only when confirmed', async () => {
		const { user, asked, onChangeViews } = setup();
		await user.click(
			screen.getByRole('button', { name: 'Data views of Nils Network: All data views' })
		);
		const dialog = screen.getByRole('dialog', { name: 'Data views of Nils Network' });
		const confirm = within(dialog).getByRole('button', { name: 'Change data views' });
		expect(confirm).toHaveAttribute('aria-disabled', 'true');
		expect(confirm).toHaveAccessibleDescription('These are the data views they have.');

		await user.click(within(dialog).getByRole('radio', { name: 'Only these:' }));
		expect(confirm).toHaveAccessibleDescription('Choose at least one data view.');
		await user.click(within(dialog).getByRole('checkbox', { name: 'Aurora' }));
		const losses = await within(dialog).findByRole('region', { name: 'Nils Network loses' });
		expect(losses).toHaveTextContent('Data views: All libraries, Borealis');

		asked.at(-1)!.answer(true);
		await waitFor(() =>
			expect(losses).toHaveTextContent(
				'1 subscription stops reaching them: the weekly digest of Loans (Borealis)'
			)
		);
		expect(onChangeViews).not.toHaveBeenCalled();
		await user.click(confirm);
		expect(onChangeViews).toHaveBeenCalledWith('nils', ['v-aurora']);
	});

	it('asks about a removal starting on Cancel, and says what it could not check', async () => {
		const { user, asked, onRemove } = setup();
		await user.click(screen.getByRole('button', { name: 'Remove Nils Network' }));
		const dialog = screen.getByRole('dialog', { name: 'Remove Nils Network?' });
		expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
		const losses = within(dialog).getByRole('region', { name: 'Nils Network loses' });
		expect(losses).toHaveTextContent('Data views: All libraries, Aurora, Borealis');

		asked[0]!.answer(false);
		await waitFor(() =>
			expect(dialog).toHaveTextContent(
				'The subscriptions that would stop could not be checked: the server could not be reached.'
			)
		);
		await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
		expect(onRemove).toHaveBeenCalledWith('nils');
	});
});
