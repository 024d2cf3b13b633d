import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import InviteLinkDialog from '../../src/lib/components/InviteLinkDialog.svelte';
import { formatDateTime } from '../../src/lib/shared';

const EXPIRES = Date.UTC(2026, 11, 8, 9);

describe('InviteLinkDialog', () => {
	it('says what a new link does before creating it', async () => {
		const user = userEvent.setup();
		const onCreate = vi.fn();
		render(InviteLinkDialog, {
			props: { open: true, email: 'ann@aurora.example.edu', link: null, onCreate }
		});
		const dialog = screen.getByRole('dialog', { name: 'Copy invite link' });
		expect(dialog).toHaveTextContent('The link mailed earlier stops working');
		expect(dialog).toHaveTextContent('the audit log records that you took it');
		await user.click(screen.getByRole('button', { name: 'Create link' }));
		expect(onCreate).toHaveBeenCalledOnce();
	});

	it('shows the link once, with Copy, and when it expires', () => {
		render(InviteLinkDialog, {
			props: {
				open: true,
				email: 'ann@aurora.example.edu',
				link: { url: 'https://console.example.org/invite#token=abc', expiresAt: EXPIRES },
				onCreate: vi.fn()
			}
		});
		expect(
			screen.getByRole('textbox', { name: 'Accept Invite link for ann@aurora.example.edu' })
		).toHaveValue('https://console.example.org/invite#token=abc');
		expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
		expect(
			screen.getByText(
				`It works once and expires on ${formatDateTime(EXPIRES)}. It is shown only now: copy it before you close this window.`
			)
		).toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Create link' })).not.toBeInTheDocument();
	});
});
