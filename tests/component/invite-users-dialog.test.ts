import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import InviteUsersDialog from '../../src/lib/components/InviteUsersDialog.svelte';
import {
	ADMIN,
	ZONES,
	invite as pendingInvite,
	inviteRoleChoices,
	inviteStanding,
	member
} from './fixtures';

function setup(extra: Record<string, unknown> = {}) {
	const user = userEvent.setup();
	const onInvite = vi.fn();
	render(InviteUsersDialog, {
		props: {
			open: true,
			projectName: 'Consortium analytics',
			zones: ZONES,
			standingOf: inviteStanding(),
			roleChoicesFor: (address: string, zoneId: string) => inviteRoleChoices(zoneId, address),
			onInvite,
			...extra
		}
	});
	const invite = screen.getByRole('button', { name: 'Invite' });
	const input = screen.getByLabelText('Email addresses');
	const summary = () =>
		screen
			.getByRole('status')
			.textContent?.replace(/^\s*Summary:\s*/, '')
			.trim();
	return { user, onInvite, invite, input, summary };
}

describe('InviteUsersDialog', () => {
	it('links the role matrix beside the role choice, in a new tab so the form stays', () => {
		setup({ roleMatrixHref: '/help/permissions' });
		const link = screen.getByRole('link', { name: 'What each role can do' });
		expect(link).toHaveAttribute('href', '/help/permissions');
		expect(link).toHaveAttribute('target', '_blank');
	});

	it('keeps Invite unavailable, saying why, until there are addresses and a role', async () => {
		const { user, onInvite, invite, input } = setup();
		expect(invite).toHaveAttribute('aria-disabled', 'true');
		expect(invite).toHaveAccessibleDescription('Add at least one email address.');
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();

		await user.type(input, 'ana@aurora.example.edu ');
		expect(invite).toHaveAccessibleDescription('Choose a role.');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(invite).not.toHaveAttribute('aria-disabled');
	});

	it('sums up the list before sending: "3 Aurora Analysts, 1 unknown domain, 1 already a member"', async () => {
		const { user, input, invite, summary } = setup({
			standingOf: inviteStanding([ADMIN, member('ian', 'Ian', 'analyst', 'aurora')])
		});
		await user.click(input);
		await user.paste(
			'ann@aurora.example.edu, bo@aurora.example.edu, cy@aurora.example.edu, caleb@cove.example.org, ian@aurora.example.edu'
		);
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(summary()).toBe('3 Aurora Analysts, 1 unknown domain, 1 already a member');
		expect(invite).toHaveAccessibleDescription(
			'Choose a zone for caleb@cove.example.org, or remove it.'
		);
	});

	it('gives each address the zone of its own domain, not the first address’s', async () => {
		const { user, onInvite, invite, input, summary } = setup();
		await user.click(input);
		await user.paste('Ana@Aurora.example.edu, bea@borealis.example.edu');
		await user.click(screen.getByRole('radio', { name: 'Consumer' }));
		const rows = screen.getByRole('list', { name: /Each address/ });
		expect(
			within(rows)
				.getByText(/bea@borealis.example.edu/)
				.closest('li')
		).toHaveTextContent('Borealis (Institution Zone)');
		expect(summary()).toBe('1 Aurora Consumer, 1 Borealis Consumer');
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{ email: 'ana@aurora.example.edu', role: 'consumer', zoneId: 'aurora', endsAt: null },
			{ email: 'bea@borealis.example.edu', role: 'consumer', zoneId: 'borealis', endsAt: null }
		]);
	});

	it('flags an address no zone claims and sends nothing until its zone is chosen', async () => {
		const { user, onInvite, invite, input, summary } = setup();
		await user.type(input, 'ann@aurora.example.edu caleb@cove.example.org ');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		const zone = screen.getByRole('combobox', { name: 'Zone for caleb@cove.example.org' });
		expect(zone).toHaveAttribute('aria-invalid', 'true');
		expect(zone).toHaveAccessibleDescription(/Unknown domain: no zone of this consortium lists/);
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();

		await user.selectOptions(zone, 'Borealis (Institution Zone)');
		expect(summary()).toBe('1 Aurora Analyst, 1 Borealis Analyst');
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{ email: 'ann@aurora.example.edu', role: 'analyst', zoneId: 'aurora', endsAt: null },
			{ email: 'caleb@cove.example.org', role: 'analyst', zoneId: 'borealis', endsAt: null }
		]);
	});

	it('says why only some zones are offered for an unknown domain', async () => {
		const limit =
			'vi@gmail.example.com is at a domain that no zone of Northern Lights lists: you can invite them only into your own zone, Aurora (Institution Zone).';
		const { user, input } = setup({
			standingOf: () => ({
				kind: 'choose',
				why: 'unlisted',
				domain: 'gmail.example.com',
				zoneIds: ['aurora'],
				limit
			})
		});
		await user.type(input, 'vi@gmail.example.com ');
		const zone = screen.getByRole('combobox', { name: 'Zone for vi@gmail.example.com' });
		expect(zone).toHaveAccessibleDescription(
			`Unknown domain: ${limit} Choose the zone this person works in, or remove the address.`
		);
		expect(
			within(zone)
				.getAllByRole('option')
				.map((option) => option.textContent)
		).toEqual(['Choose a zone', 'Aurora (Institution Zone)']);
	});

	it('lets the inviter remove a flagged address instead', async () => {
		const { user, onInvite, invite, input } = setup();
		await user.type(input, 'ann@aurora.example.edu caleb@cove.example.org ');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		await user.click(screen.getByRole('button', { name: 'Remove caleb@cove.example.org' }));
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{ email: 'ann@aurora.example.edu', role: 'analyst', zoneId: 'aurora', endsAt: null }
		]);
	});

	it('takes a role per address, with the role for everyone as the shortcut', async () => {
		const { user, onInvite, invite, input, summary } = setup();
		await user.type(input, 'nils@office.example.org ann@aurora.example.edu ');
		await user.click(screen.getByRole('radio', { name: 'Project Admin' }));
		const annRole = screen.getByRole('combobox', { name: 'Role for ann@aurora.example.edu' });
		expect(annRole).toHaveAccessibleDescription(
			/Institution Zone users cannot be Project Admin in this consortium/
		);
		expect(summary()).toBe('1 Office Project Admin, 1 cannot be Project Admin');
		expect(invite).toHaveAccessibleDescription('Choose another role for ann@aurora.example.edu.');

		await user.selectOptions(annRole, 'Analyst');
		expect(summary()).toBe('1 Office Project Admin, 1 Aurora Analyst');
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{ email: 'nils@office.example.org', role: 'admin', zoneId: 'nz', endsAt: null },
			{ email: 'ann@aurora.example.edu', role: 'analyst', zoneId: 'aurora', endsAt: null }
		]);

		// Choosing the role for everyone again replaces the one chosen for Ann.
		await user.click(screen.getByRole('radio', { name: 'Consumer' }));
		expect(summary()).toBe('1 Office Consumer, 1 Aurora Consumer');
	});

	it('offers in the role for everyone only what some address may hold, saying why not', async () => {
		const { user, input } = setup();
		await user.type(input, 'ann@aurora.example.edu ');
		expect(screen.getByRole('radio', { name: 'Project Admin' })).toBeDisabled();
		expect(screen.getByRole('radio', { name: 'Project Admin' })).toHaveAccessibleDescription(
			/Institution Zone users cannot be Project Admin in this consortium/
		);
		await user.type(input, 'nils@office.example.org ');
		expect(screen.getByRole('radio', { name: 'Project Admin' })).toBeEnabled();
	});

	it('leaves out members and people already invited, without holding the others back', async () => {
		const { user, onInvite, invite, input, summary } = setup({
			standingOf: inviteStanding(
				[ADMIN, member('ian', 'Ian', 'analyst', 'aurora')],
				[pendingInvite({ id: 'i1', email: 'iris@aurora.example.edu' })]
			)
		});
		await user.click(input);
		await user.paste('ian@aurora.example.edu iris@aurora.example.edu ann@aurora.example.edu');
		await user.click(screen.getByRole('radio', { name: 'Consumer' }));
		expect(summary()).toBe('1 Aurora Consumer, 1 already a member, 1 already invited');
		const rows = screen.getByRole('list', { name: /Each address/ });
		expect(within(rows).getByText(/already invited: use Resend Invitation/)).toBeVisible();
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{ email: 'ann@aurora.example.edu', role: 'consumer', zoneId: 'aurora', endsAt: null }
		]);
	});

	it('holds Invite back for an address refused when writing, until it is removed', async () => {
		const { user, onInvite, invite, input } = setup({
			refusals: { 'ana@aurora.example.edu': 'Refused: someone changed the project meanwhile.' }
		});
		await user.type(input, 'ana@aurora.example.edu ben@aurora.example.edu ');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(screen.getByText('Refused: someone changed the project meanwhile.')).toBeVisible();
		expect(invite).toHaveAccessibleDescription('Remove the address that cannot be invited here.');
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();
		await user.click(screen.getByRole('button', { name: 'Remove ana@aurora.example.edu' }));
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{ email: 'ben@aurora.example.edu', role: 'analyst', zoneId: 'aurora', endsAt: null }
		]);
	});

	it('says to correct or remove an address that is not valid', async () => {
		const { user, invite, input, summary } = setup();
		await user.type(input, 'ana@aurora.example.edu nonsense ');
		await user.click(screen.getByRole('radio', { name: 'Analyst' }));
		expect(summary()).toBe('1 Aurora Analyst, 1 invalid address');
		expect(invite).toHaveAccessibleDescription('Correct or remove the address that is not valid.');
	});

	it('invites everyone with the end date chosen, and holds Invite back while it has passed', async () => {
		const now = Date.UTC(2026, 7, 20, 9, 0);
		const { user, onInvite, invite, input } = setup({ now });
		await user.type(input, 'ana@aurora.example.edu ');
		await user.click(screen.getByRole('radio', { name: 'Consumer' }));
		const field = screen.getByLabelText('Access ends (optional)');
		expect(field).toHaveAttribute('min', '2026-08-20');
		await fireEvent.input(field, { target: { value: '2026-08-19' } });
		expect(invite).toHaveAccessibleDescription(
			'An end date must be in the future: 19 Aug 2026 has already passed.'
		);
		await user.click(invite);
		expect(onInvite).not.toHaveBeenCalled();
		await fireEvent.input(field, { target: { value: '2026-08-31' } });
		await user.click(invite);
		expect(onInvite).toHaveBeenCalledWith([
			{
				email: 'ana@aurora.example.edu',
				role: 'consumer',
				zoneId: 'aurora',
				endsAt: Date.UTC(2026, 7, 31, 23, 59, 59, 999)
			}
		]);
	});
});
