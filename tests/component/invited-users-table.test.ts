import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import InvitedUsersTable, {
	type InvitePermissions
} from '../../src/lib/components/InvitedUsersTable.svelte';
import type { Invite } from '../../src/lib/shared';
import { invite } from './fixtures';

const NOW = 1_700_100_000_000;
const INVITES: Invite[] = [
	invite({ id: 'i-sent', email: 'sent@aurora.example.edu', invitedAt: 6 }),
	invite({
		id: 'i-queued',
		email: 'queued@aurora.example.edu',
		status: 'queued',
		sentAt: null,
		expiresAt: null,
		invitedAt: 5
	}),
	invite({
		id: 'i-expired',
		email: 'expired@aurora.example.edu',
		expiresAt: NOW - 1,
		invitedAt: 4
	}),
	invite({
		id: 'i-accepted',
		email: 'accepted@aurora.example.edu',
		status: 'accepted',
		acceptedAt: NOW - 5,
		invitedAt: 3
	}),
	invite({
		id: 'i-failed',
		email: 'failed@aurora.example.edu',
		status: 'failed',
		failure: 'The mail server refused the address.',
		invitedAt: 2
	})
];

function permissions(item: Invite): InvitePermissions {
	return item.status === 'accepted'
		? {
				canResend: { allowed: false, message: 'This invitation was accepted.' },
				canRevoke: { allowed: false, message: 'This invitation was accepted.' }
			}
		: { canResend: { allowed: true }, canRevoke: { allowed: true } };
}

function setup(offline = false) {
	const user = userEvent.setup();
	const onResend = vi.fn();
	const onRevoke = vi.fn();
	render(InvitedUsersTable, {
		props: {
			invites: INVITES,
			inviterName: (id: string) => (id === 'admin-1' ? 'Ada Admin' : id),
			permissionsFor: permissions,
			onResend,
			onRevoke,
			projectName: 'Consortium analytics',
			offline,
			now: NOW
		}
	});
	const row = (email: string) => screen.getByRole('row', { name: new RegExp(email) });
	return { user, onResend, onRevoke, row };
}

describe('InvitedUsersTable', () => {
	it('shows each invitation with role, inviter and its status in words', () => {
		const { row } = setup();
		expect(row('sent@')).toHaveTextContent('Analyst');
		expect(row('sent@')).toHaveTextContent('Ada Admin');
		expect(within(row('sent@')).getByRole('cell', { name: 'Sent' })).toBeInTheDocument();
		expect(row('queued@')).toHaveTextContent('Queued');
		expect(row('queued@')).toHaveTextContent('Not yet');
		expect(row('expired@')).toHaveTextContent('Expired');
		expect(row('accepted@')).toHaveTextContent('Accepted');
		expect(row('failed@')).toHaveTextContent('Failed');
		expect(row('failed@')).toHaveTextContent('The mail server refused the address.');
	});

	it('says a queued invitation waits for this browser to be online', () => {
		const { row } = setup(true);
		expect(row('queued@')).toHaveTextContent('Queued — offline');
		expect(row('queued@')).toHaveTextContent('It is sent when this browser is back online.');
	});

	it('resends an invitation with the Resend Invitation icon button', async () => {
		const { user, onResend, row } = setup();
		await user.click(
			within(row('expired@')).getByRole('button', {
				name: 'Resend Invitation to expired@aurora.example.edu'
			})
		);
		expect(onResend).toHaveBeenCalledWith('i-expired');
	});

	it('keeps Resend Invitation and Revoke disabled with the reason where they do not apply', async () => {
		const { user, onResend, row } = setup();
		const resend = within(row('accepted@')).getByRole('button', { name: /Resend Invitation/ });
		expect(resend).toHaveAttribute('aria-disabled', 'true');
		expect(resend).toHaveAccessibleDescription('This invitation was accepted.');
		await user.click(resend);
		expect(onResend).not.toHaveBeenCalled();
		expect(
			within(row('accepted@')).getByRole('button', { name: /Revoke/ })
		).toHaveAccessibleDescription('This invitation was accepted.');
	});

	it('asks for confirmation before revoking', async () => {
		const { user, onRevoke, row } = setup();
		await user.click(within(row('sent@')).getByRole('button', { name: /Revoke/ }));
		const dialog = screen.getByRole('dialog', { name: 'Revoke the invitation?' });
		await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
		expect(onRevoke).toHaveBeenCalledWith('i-sent');
	});
});
