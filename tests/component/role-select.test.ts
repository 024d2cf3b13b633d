import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import RoleSelect from '../../src/lib/components/RoleSelect.svelte';
import { ROLE_SUMMARIES } from '../../src/lib/shared';
import { inviteRoleChoices } from './fixtures';

describe('RoleSelect', () => {
	it('offers the three roles, each described by its summary', () => {
		render(RoleSelect, { props: { value: null, allowed: ['admin', 'analyst', 'consumer'] } });
		expect(screen.getByRole('radio', { name: 'Project Admin' })).toHaveAccessibleDescription(
			ROLE_SUMMARIES.admin
		);
		expect(screen.getByRole('radio', { name: 'Analyst' })).toBeEnabled();
		expect(screen.getByRole('radio', { name: 'Consumer' })).toHaveAccessibleDescription(
			/Also called Messenger/
		);
	});

	it('keeps a role that may not be given in the list, disabled, with the policy reason shown', () => {
		render(RoleSelect, { props: { value: null, ...inviteRoleChoices('aurora') } });
		const admin = screen.getByRole('radio', { name: 'Project Admin' });
		expect(admin).toBeDisabled();
		expect(
			screen.getByText(/Institution Zone users cannot be Project Admin in this consortium/)
		).toBeVisible();
		expect(admin).toHaveAccessibleDescription(
			/Institution Zone users cannot be Project Admin in this consortium/
		);
		expect(screen.getByRole('radio', { name: 'Analyst' })).toBeEnabled();
	});

	it('reports the chosen role', async () => {
		const user = userEvent.setup();
		const onChange = vi.fn();
		render(RoleSelect, { props: { value: null, allowed: ['analyst', 'consumer'], onChange } });
		await user.click(screen.getByRole('radio', { name: 'Consumer' }));
		expect(onChange).toHaveBeenCalledWith('consumer');
		expect(screen.getByRole('radio', { name: 'Consumer' })).toBeChecked();
	});

	it('falls back to a general reason when none is given for a disallowed role', () => {
		render(RoleSelect, { props: { value: null, allowed: ['consumer'] } });
		expect(screen.getByRole('radio', { name: 'Analyst' })).toHaveAccessibleDescription(
			/This role cannot be given here/
		);
	});
});
