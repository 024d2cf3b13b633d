import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import MembersTable from '../../src/lib/components/MembersTable.svelte';
import type { Member } from '../../src/lib/shared';
import { ADMIN, VIEWS, ZONES, manyMembers, member, permissionsFor } from './fixtures';

const SMALL: Member[] = [
	ADMIN,
	member('nils', 'Nils Network', 'analyst', 'nz'),
	member('aino', 'Aino Aurora', 'analyst', 'aurora'),
	member('bea', 'Bea Borealis', 'consumer', 'borealis')
];

function setup(members: Member[] = SMALL, extra: Record<string, unknown> = {}) {
	const user = userEvent.setup();
	const onChangeRole = vi.fn();
	const onRemove = vi.fn();
	const { rerender } = render(MembersTable, {
		props: {
			members,
			zones: ZONES,
			views: VIEWS,
			currentAccountId: ADMIN.accountId,
			presence: { nils: '#d6336c' },
			permissionsFor: permissionsFor(members),
			onChangeRole,
			onRemove,
			projectName: 'Consortium analytics',
			...extra
		}
	});
	const table = screen.getByRole('table', { name: 'Users of Consortium analytics' });
	const names = () =>
		within(table)
			.queryAllByRole('rowheader')
			.map((cell) => cell.querySelector('.ellipsis')?.textContent);
	return { user, onChangeRole, onRemove, table, names, rerender };
}

describe('MembersTable', () => {
	it('ends every role menu with the way to the role matrix, which changes no role', async () => {
		const { user, onChangeRole } = setup(SMALL, { roleMatrixHref: '/help/permissions' });
		await user.click(screen.getByRole('button', { name: /^Role of Nils Network:/ }));
		const matrix = screen.getByRole('menuitem', { name: 'What each role can do' });
		expect(matrix).toHaveAttribute('href', '/help/permissions');
		expect(screen.getAllByRole('menuitemradio')).toHaveLength(3);
		matrix.addEventListener('click', (event) => event.preventDefault());
		await user.click(matrix);
		expect(onChangeRole).not.toHaveBeenCalled();
	});

	it('lists members by name with their email, role, zone and data view', () => {
		const { names } = setup();
		expect(names()).toEqual(['Ada Admin', 'Aino Aurora', 'Bea Borealis', 'Nils Network']);
		const aino = screen.getByRole('row', { name: /Aino Aurora/ });
		expect(aino).toHaveTextContent('aino@aurora.example.edu');
		expect(aino).toHaveTextContent('Analyst');
		expect(aino).toHaveTextContent('Aurora');
		expect(
			within(screen.getByRole('row', { name: /Ada Admin/ })).getByRole('cell', {
				name: /All data views/
			})
		).toBeInTheDocument();
	});

	it('marks the signed-in person as "You" and who is here now', () => {
		setup();
		expect(
			within(screen.getByRole('rowheader', { name: /Ada Admin/ })).getByText('You')
		).toBeInTheDocument();
		expect(screen.getByRole('rowheader', { name: /Nils Network/ })).toHaveTextContent('(here now)');
	});

	it('finds members by part of their name or email', async () => {
		const { user, names } = setup();
		await user.type(screen.getByLabelText('Search users'), 'borealis');
		expect(names()).toEqual(['Bea Borealis']);
		expect(screen.getByText('Showing 1 of 4 users')).toBeInTheDocument();
		await user.clear(screen.getByLabelText('Search users'));
		await user.type(screen.getByLabelText('Search users'), 'NILS');
		expect(names()).toEqual(['Nils Network']);
	});

	it('filters by role and by zone, and offers to clear filters when nothing matches', async () => {
		const { user, names } = setup();
		await user.selectOptions(screen.getByLabelText('Role'), 'Analyst');
		expect(names()).toEqual(['Aino Aurora', 'Nils Network']);
		await user.selectOptions(screen.getByLabelText('Zone'), 'Office');
		expect(names()).toEqual(['Nils Network']);
		await user.selectOptions(screen.getByLabelText('Role'), 'Consumer');
		expect(names()).toEqual([]);
		expect(screen.getByRole('heading', { name: 'No users match' })).toBeInTheDocument();
		await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
		expect(names()).toHaveLength(4);
	});

	it('renders only a window of 10,000 members and follows the page as it scrolls', async () => {
		const members = manyMembers(10_000);
		const { table } = setup(members);
		expect(table).toHaveAttribute('aria-rowcount', '10001');
		const rendered = within(table).getAllByRole('row');
		expect(rendered.length).toBeGreaterThan(10);
		expect(rendered.length).toBeLessThan(60);
		expect(screen.queryByText('Member 05000')).not.toBeInTheDocument();

		// The page has scrolled 5,000 rows past the list's top.
		const viewport = table.querySelector<HTMLElement>('.viewport')!;
		viewport.getBoundingClientRect = () => DOMRect.fromRect({ y: -5_000 * 56, height: 560_000 });
		await fireEvent.scroll(window);
		const row = screen.getByRole('row', { name: /Member 05000/ });
		expect(row).toHaveAttribute('aria-rowindex', String(5_000 + 2));
		expect(within(table).getAllByRole('row').length).toBeLessThan(60);
	});

	it('scrolls in a box of its own when given a height (the embedded widget)', async () => {
		const { table } = setup(manyMembers(10_000), { height: '30rem' });
		const viewport = table.querySelector<HTMLElement>('.viewport')!;
		expect(viewport.style.maxHeight).toBe('30rem');
		viewport.scrollTop = 5_000 * 56;
		await fireEvent.scroll(viewport);
		const row = screen.getByRole('row', { name: /Member 05000/ });
		expect(row).toHaveAttribute('aria-rowindex', String(5_000 + 2));
		expect(within(table).getAllByRole('row').length).toBeLessThan(60);
	});

	it('moves focus to the name now in its place when the focused person is removed, and says so', async () => {
		const { user, names, rerender } = setup();
		await user.click(screen.getByRole('button', { name: /^Role of Bea Borealis:/ }));
		expect(screen.getByRole('menuitemradio', { name: /^Consumer/ })).toHaveFocus();

		// Another admin removes Bea while her role menu is open.
		const members = SMALL.filter((member) => member.accountId !== 'bea');
		await rerender({ members, permissionsFor: permissionsFor(members) });
		expect(names()).toEqual(['Ada Admin', 'Aino Aurora', 'Nils Network']);
		await waitFor(() =>
			expect(screen.getByRole('rowheader', { name: /Nils Network/ })).toHaveFocus()
		);
		expect(
			screen.getByText('Bea Borealis is no longer a member of Consortium analytics.')
		).toBeInTheDocument();
	});

	it('changes a role from the row menu once confirmed, where roles that may not be given say why', async () => {
		const { user, onChangeRole } = setup();
		await user.click(screen.getByRole('button', { name: 'Role of Aino Aurora: Analyst' }));
		const admin = screen.getByRole('menuitemradio', { name: /Project Admin/ });
		expect(admin).toHaveAttribute('aria-disabled', 'true');
		expect(admin).toHaveTextContent(
			/Institution Zone users cannot be Project Admin in this consortium/
		);
		await user.click(admin);
		expect(onChangeRole).not.toHaveBeenCalled();
		await user.click(screen.getByRole('menuitemradio', { name: 'Consumer' }));
		// Nothing is written before the change is confirmed.
		expect(onChangeRole).not.toHaveBeenCalled();
		const confirm = screen.getByRole('dialog', { name: 'Make Aino Aurora Consumer?' });
		await user.click(within(confirm).getByRole('button', { name: 'Change role' }));
		expect(onChangeRole).toHaveBeenCalledWith('aino', 'consumer');
	});

	it('shows a role that may not be changed with the reason, and a disabled Remove with its reason', () => {
		setup();
		const role = screen.getByRole('button', { name: 'Role of Ada Admin: Project Admin' });
		expect(role).toHaveAttribute('aria-disabled', 'true');
		expect(role).toHaveAccessibleDescription('A project always keeps at least one Project Admin.');
		const leave = screen.getByRole('button', { name: 'Leave project' });
		expect(leave).toHaveAttribute('aria-disabled', 'true');
		expect(leave).toHaveAccessibleDescription('A project always keeps at least one Project Admin.');
	});

	it('asks for confirmation before removing a member', async () => {
		const { user, onRemove } = setup();
		await user.click(screen.getByRole('button', { name: 'Remove Bea Borealis' }));
		const dialog = screen.getByRole('dialog', { name: 'Remove Bea Borealis?' });
		expect(dialog).toHaveTextContent('bea@borealis.example.edu');
		await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
		expect(onRemove).not.toHaveBeenCalled();

		await user.click(screen.getByRole('button', { name: 'Remove Bea Borealis' }));
		await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
		expect(onRemove).toHaveBeenCalledWith('bea');
	});

	it('says so when the project has no members yet, and shows placeholders while loading', async () => {
		const { rerender } = render(MembersTable, {
			props: {
				members: [],
				zones: ZONES,
				views: VIEWS,
				currentAccountId: null,
				permissionsFor: permissionsFor([]),
				onChangeRole: () => {},
				onRemove: () => {},
				projectName: 'Consortium analytics',
				loading: true
			}
		});
		expect(screen.getByText('Loading users…')).toBeInTheDocument();
		await rerender({ loading: false });
		expect(screen.getByRole('heading', { name: 'No users yet' })).toBeInTheDocument();
	});
});
