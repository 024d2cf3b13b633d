/**
 * When a member's access ends: the end date dialog (a day, or none, read as the policy reads it)
 * and the Users tab's Access column, which shows "Until …" and says why it cannot be changed
 * where it cannot.
 */
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import EndDateDialog from '../../src/lib/components/EndDateDialog.svelte';
import MembersTable from '../../src/lib/components/MembersTable.svelte';
import { endOfDay, type Member } from '../../src/lib/shared';
import { ADMIN, VIEWS, ZONES, member, permissionsFor } from './fixtures';

const NOW = Date.UTC(2026, 7, 20, 9, 0);

describe('EndDateDialog', () => {
	function setup(endsAt: number | null, problem: string | null = null) {
		const user = userEvent.setup();
		const onSave = vi.fn();
		render(EndDateDialog, {
			props: {
				open: true,
				memberName: 'Dana Analyst',
				projectName: 'Consortium analytics',
				endsAt,
				onSave,
				problem,
				now: NOW
			}
		});
		const dialog = screen.getByRole('dialog', { name: 'When the access of Dana Analyst ends' });
		return { user, onSave, dialog, field: within(dialog).getByLabelText('Last day of access') };
	}

	it('saves the last moment of the day chosen, and says what follows from it', async () => {
		const { user, onSave, dialog, field } = setup(null);
		expect(dialog).toHaveAccessibleDescription(
			'Dana Analyst has access to Consortium analytics until someone removes them.'
		);
		expect(field).toHaveAccessibleDescription(/reminded by mail a week and a day before/);
		expect(field).toHaveAttribute('min', '2026-08-20');
		expect(within(dialog).queryByRole('button', { name: 'No end date' })).toBeNull();
		await fireEvent.input(field, { target: { value: '2026-08-31' } });
		await user.click(within(dialog).getByRole('button', { name: 'Save' }));
		expect(onSave).toHaveBeenCalledWith(endOfDay('2026-08-31'));
	});

	it('refuses a day that has passed, and one left empty, with the reason at the field', async () => {
		const { user, onSave, dialog, field } = setup(null);
		await user.click(within(dialog).getByRole('button', { name: 'Save' }));
		expect(field).toHaveAccessibleDescription(/Choose a day, or select No end date\./);
		await fireEvent.input(field, { target: { value: '2026-08-19' } });
		await user.click(within(dialog).getByRole('button', { name: 'Save' }));
		expect(field).toHaveAttribute('aria-invalid', 'true');
		expect(field).toHaveAccessibleDescription(
			/An end date must be in the future: 19 Aug 2026 has already passed\./
		);
		expect(onSave).not.toHaveBeenCalled();
	});

	it('starts from the end date there is, clears it with No end date, and shows a refusal', async () => {
		const endsAt = endOfDay('2026-08-31')!;
		const { user, onSave, dialog, field } = setup(
			endsAt,
			'A Project Admin cannot set an end date for another Project Admin, only users below Admin.'
		);
		expect(dialog).toHaveAccessibleDescription(
			'Dana Analyst has access to Consortium analytics until 31 Aug 2026.'
		);
		expect(field).toHaveValue('2026-08-31');
		expect(within(dialog).getByRole('alert')).toHaveTextContent(
			'A Project Admin cannot set an end date for another Project Admin'
		);
		await user.click(within(dialog).getByRole('button', { name: 'No end date' }));
		expect(onSave).toHaveBeenCalledWith(null);
	});
});

describe('the Access column of the Users tab', () => {
	// The permissions are judged by the real clock: an end date well ahead of it.
	const dana: Member = {
		...member('dana', 'Dana Analyst', 'analyst', 'nz'),
		endsAt: endOfDay('2099-08-31')
	};
	const other = member('otto', 'Otto Admin', 'admin', 'nz');
	const members = [ADMIN, other, dana, member('nils', 'Nils Network', 'consumer', 'nz')];

	function setup() {
		const user = userEvent.setup();
		const onEditEndDate = vi.fn();
		render(MembersTable, {
			props: {
				members,
				zones: ZONES,
				views: VIEWS,
				currentAccountId: ADMIN.accountId,
				permissionsFor: permissionsFor(members),
				onChangeRole: vi.fn(),
				onRemove: vi.fn(),
				onEditEndDate,
				projectName: 'Consortium analytics'
			}
		});
		return { user, onEditEndDate };
	}

	it('shows “Until …” beside a member whose access ends, and opens the choice from the row', async () => {
		const { user, onEditEndDate } = setup();
		const row = screen.getByRole('row', { name: /Dana Analyst/ });
		expect(within(row).getByRole('cell', { name: /Until 31 Aug 2099/ })).toBeInTheDocument();
		const nils = screen.getByRole('button', { name: 'Access of Nils Network: No end date' });
		await user.click(
			screen.getByRole('button', { name: 'Access of Dana Analyst: Until 31 Aug 2099' })
		);
		expect(onEditEndDate).toHaveBeenCalledWith('dana');
		await user.click(nils);
		expect(onEditEndDate).toHaveBeenLastCalledWith('nils');
	});

	it('says why another Project Admin’s end date is not this admin’s to set', async () => {
		const { user, onEditEndDate } = setup();
		const otto = screen.getByRole('button', { name: 'Access of Otto Admin: No end date' });
		expect(otto).toHaveAttribute('aria-disabled', 'true');
		expect(otto).toHaveAccessibleDescription(
			'A Project Admin cannot set an end date for another Project Admin, only users below Admin.'
		);
		await user.click(otto);
		expect(onEditEndDate).not.toHaveBeenCalled();
	});
});
