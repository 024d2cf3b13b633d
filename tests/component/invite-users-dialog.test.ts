import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import InviteUsersDialog from '../../src/lib/components/InviteUsersDialog.svelte';
import { ZONES, inviteRefusal, inviteRoleChoices } from './fixtures';

function setup(extra: Record<string, unknown> = {}) {
	const user = userEvent.setup();
	const onInvite = vi.fn();
	render(InviteUsersDialog, {
		props: {
			open: true,
			projectName: 'Consortium analytics',
			zones: ZONES,
			roleChoicesFor: inviteRoleChoices,
			onInvite,
			...extra
		}
	});
	const invite = screen.getByRole('button', { name: 'Invite' });
	const input = screen.getByLabelText('Email addresses');
	return { user, onInvite, invite, input };
}

describe('InviteUsersDialog', () => {
	it('keeps Invite unavailable, saying why, until addresses, zone and role are given', async () => {
		const { user, onInvite, invite, input } = setup();
		expect(invite).toHaveAttribute('aria-disabled', 'true');
		expect(invite).toHaveAccessibleDescription('Add at least one email address.');
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();

		await user.type(input, 'ana@gmail.example.com ');
		expect(invite).toHaveAccessibleDescription('Choose the zone these people belong to.');
		await user.selectOptions(screen.getByLabelText('Zone'), 'Office (Network Zone)');
		expect(invite).toHaveAccessibleDescription('Choose a role.');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(invite).not.toHaveAttribute('aria-disabled');
	});

	it('says to remove invalid addresses before inviting', async () => {
		const { user, invite, input } = setup();
		await user.type(input, 'ana@aurora.example.edu nonsense ');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(invite).toHaveAccessibleDescription('Remove the address that cannot be invited.');
	});

	it('suggests the zone from the email domain and limits the roles to what that zone may hold', async () => {
		const { user, input } = setup();
		await user.type(input, 'ana@aurora.example.edu ');
		expect(screen.getByLabelText('Zone')).toHaveValue('aurora');
		expect(screen.getByText('Suggested from the email domain.')).toBeInTheDocument();
		expect(screen.getByRole('radio', { name: 'Project Admin' })).toBeDisabled();
		expect(
			screen.getByText(/Institution Zone users cannot be Project Admin in this consortium/)
		).toBeInTheDocument();
	});

	it('sends the normalized addresses, the role and the zone on Invite', async () => {
		const { user, onInvite, invite, input } = setup();
		await user.click(input);
		await user.paste('Ana@Aurora.example.edu, dee@aurora.example.edu');
		await user.click(screen.getByRole('radio', { name: 'Consumer' }));
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith({
			emails: ['ana@aurora.example.edu', 'dee@aurora.example.edu'],
			role: 'consumer',
			zoneId: 'aurora'
		});
	});

	it('shows the reason an address is refused and holds Invite back until it is removed', async () => {
		const { user, onInvite, invite, input } = setup({
			refusalFor: (address: string) =>
				address === 'ana@aurora.example.edu'
					? `${address} is already a member of this project.`
					: null
		});
		await user.type(input, 'ana@aurora.example.edu ben@aurora.example.edu ');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(screen.getByLabelText('Email addresses')).toHaveAccessibleDescription(
			/ana@aurora.example.edu: ana@aurora.example.edu is already a member of this project/
		);
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();
		await user.click(screen.getByRole('button', { name: 'Remove ana@aurora.example.edu' }));
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith({
			emails: ['ben@aurora.example.edu'],
			role: 'analyst',
			zoneId: 'aurora'
		});
	});

	it('asks for a zone when the addresses point to different zones', async () => {
		const { user, invite, input } = setup();
		await user.type(input, 'ana@aurora.example.edu ben@borealis.example.edu ');
		expect(screen.getByText(/belong to different zones \(Aurora, Borealis\)/)).toBeInTheDocument();
		expect(invite).toHaveAccessibleDescription('Choose the zone these people belong to.');
	});

	it('needs no zone select when the project offers one zone', async () => {
		const { user, onInvite, invite, input } = setup({ zones: [ZONES[0]] });
		expect(screen.queryByLabelText('Zone')).not.toBeInTheDocument();
		await user.type(input, 'cy@office.example.org ');
		await user.click(screen.getByRole('radio', { name: 'Project Admin' }));
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith({
			emails: ['cy@office.example.org'],
			role: 'admin',
			zoneId: 'nz'
		});
	});

	it('asks for the zone before offering roles, since the roles depend on it', async () => {
		const { user, input } = setup();
		await user.type(input, 'ana@gmail.example.com ');
		expect(screen.getByRole('radio', { name: 'Analyst' })).toBeDisabled();
		expect(screen.getByRole('radio', { name: 'Analyst' })).toHaveAccessibleDescription(
			/Choose the zone first/
		);
		await user.selectOptions(screen.getByLabelText('Zone'), 'Aurora (Institution Zone)');
		expect(screen.getByRole('radio', { name: 'Analyst' })).toBeEnabled();
	});

	it('suggests a zone only from the addresses that can be invited', async () => {
		const { user, input } = setup({
			refusalFor: (address: string) =>
				address === 'ben@borealis.example.edu'
					? `${address} is already a member of this project.`
					: null
		});
		await user.type(input, 'ana@aurora.example.edu ben@borealis.example.edu ');
		expect(screen.getByLabelText('Zone')).toHaveValue('aurora');
	});

	it('refuses an address in another zone than its own, naming the zone, as the server would', async () => {
		const { user, onInvite, invite, input } = setup({ refusalFor: inviteRefusal });
		await user.type(input, 'ana@aurora.example.edu ');
		await user.selectOptions(screen.getByLabelText('Zone'), 'Office (Network Zone)');
		await user.click(screen.getByRole('radio', { name: 'Project Admin' }));
		expect(screen.getByLabelText('Email addresses')).toHaveAccessibleDescription(
			/ana@aurora.example.edu belongs to Aurora \(Institution Zone\): invite them into that zone/
		);
		expect(invite).toHaveAccessibleDescription('Remove the address that cannot be invited.');
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();
		await user.selectOptions(screen.getByLabelText('Zone'), 'Aurora (Institution Zone)');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith({
			emails: ['ana@aurora.example.edu'],
			role: 'analyst',
			zoneId: 'aurora'
		});
	});
});
