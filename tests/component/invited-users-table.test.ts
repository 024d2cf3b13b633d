import { cleanup, render, screen, within } from '@testing-library/svelte';
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

const ADMINS_ONLY = 'Only Project Admins can manage the users of a project.';

/** Another admin's invitation to failed@ is theirs to manage here (a stand-in for any refusal). */
function permissions(item: Invite): InvitePermissions {
	return item.id === 'i-failed'
		? {
				canResend: { ok: false, message: ADMINS_ONLY },
				canRevoke: { ok: false, message: ADMINS_ONLY },
				canCopyLink: { ok: false, message: ADMINS_ONLY }
			}
		: { canResend: { ok: true }, canRevoke: { ok: true }, canCopyLink: { ok: true } };
}

function setup(offline = false, invites: Invite[] = INVITES, withLinks = false) {
	const user = userEvent.setup();
	const onResend = vi.fn();
	const onRevoke = vi.fn();
	const onCopyLink = vi.fn();
	render(InvitedUsersTable, {
		props: {
			invites,
			inviterName: (id: string) => (id === 'admin-1' ? 'Ada Admin' : id),
			permissionsFor: permissions,
			onResend,
			onRevoke,
			...(withLinks ? { onCopyLink } : {}),
			projectName: 'Consortium analytics',
			offline,
			now: NOW
		}
	});
	const row = (email: string) => screen.getByRole('row', { name: new RegExp(email) });
	return { user, onResend, onRevoke, onCopyLink, row };
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

	it('lists only invitations still waiting: an accepted one leaves the list', () => {
		setup();
		expect(screen.queryByRole('row', { name: /accepted@/ })).not.toBeInTheDocument();
		// The header row and the four invitations not accepted.
		expect(screen.getAllByRole('row')).toHaveLength(5);
	});

	it('says there is nothing pending once every invitation was accepted', () => {
		setup(false, [INVITES[3]!]);
		expect(screen.queryByRole('table')).not.toBeInTheDocument();
		expect(screen.getByText('No pending invitations')).toBeInTheDocument();
	});

	it('keeps Resend Invitation and Revoke disabled with the reason where they do not apply', async () => {
		const { user, onResend, row } = setup();
		const resend = within(row('failed@')).getByRole('button', { name: /Resend Invitation/ });
		expect(resend).toHaveAttribute('aria-disabled', 'true');
		expect(resend).toHaveAccessibleDescription(ADMINS_ONLY);
		await user.click(resend);
		expect(onResend).not.toHaveBeenCalled();
		expect(
			within(row('failed@')).getByRole('button', { name: /Revoke/ })
		).toHaveAccessibleDescription(ADMINS_ONLY);
	});

	it('offers Copy invite link only where the wiring can issue one, disabled with the reason', async () => {
		setup();
		expect(screen.queryByRole('button', { name: /Copy invite link/ })).not.toBeInTheDocument();
		cleanup();
		const { user, onCopyLink, row } = setup(false, INVITES, true);
		await user.click(
			within(row('sent@')).getByRole('button', {
				name: 'Copy invite link for sent@aurora.example.edu'
			})
		);
		expect(onCopyLink).toHaveBeenCalledWith(expect.objectContaining({ id: 'i-sent' }));
		const refused = within(row('failed@')).getByRole('button', { name: /Copy invite link/ });
		expect(refused).toHaveAccessibleDescription(ADMINS_ONLY);
	});

	it('asks for confirmation before revoking', async () => {
		const { user, onRevoke, row } = setup();
		await user.click(within(row('sent@')).getByRole('button', { name: /Revoke/ }));
		const dialog = screen.getByRole('dialog', { name: 'Revoke the invitation?' });
		await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
		expect(onRevoke).toHaveBeenCalledWith('i-sent');
	});
});
