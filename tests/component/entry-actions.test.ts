/**
 * An entry's Edit and Delete (or End) in the data view's lists: each allowed or disabled with
 * the policy's reason, and named for the entry.
 */
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import EntryActions from '../../src/lib/components/EntryActions.svelte';

const ALLOWED = { ok: true } as const;
const CREATOR_ONLY = {
	ok: false,
	code: 'creator-only',
	message: 'Only the creator of this saved formula can change it.'
} as const;

describe('EntryActions', () => {
	it('names each button for the entry and reports a click', async () => {
		const user = userEvent.setup();
		const onEdit = vi.fn();
		const onRemove = vi.fn();
		render(EntryActions, {
			props: { subject: 'Weekly loans', canEdit: ALLOWED, onEdit, canRemove: ALLOWED, onRemove }
		});
		await user.click(screen.getByRole('button', { name: 'Edit Weekly loans' }));
		await user.click(screen.getByRole('button', { name: 'Delete Weekly loans' }));
		expect(onEdit).toHaveBeenCalledOnce();
		expect(onRemove).toHaveBeenCalledOnce();
	});

	it('keeps a button the policy refuses focusable, says why, and does not act on it', async () => {
		const user = userEvent.setup();
		const onEdit = vi.fn();
		render(EntryActions, {
			props: {
				subject: 'Weekly loans',
				canEdit: CREATOR_ONLY,
				onEdit,
				canRemove: ALLOWED,
				onRemove: vi.fn()
			}
		});
		const edit = screen.getByRole('button', { name: 'Edit Weekly loans' });
		expect(edit).toHaveAttribute('aria-disabled', 'true');
		expect(edit).toHaveAccessibleDescription(CREATOR_ONLY.message);
		await user.click(edit);
		expect(onEdit).not.toHaveBeenCalled();
		expect(screen.getByRole('button', { name: 'Delete Weekly loans' })).not.toHaveAttribute(
			'aria-disabled'
		);
	});

	it('offers no Edit where entries are not edited, and ends what runs on, with more said', () => {
		render(EntryActions, {
			props: {
				subject: 'the subscription to Loans',
				canRemove: ALLOWED,
				onRemove: vi.fn(),
				removeLabel: 'End',
				removeDescribedBy: 'why'
			}
		});
		expect(screen.queryByRole('button', { name: /^Edit/ })).toBeNull();
		expect(screen.getByRole('button', { name: 'End the subscription to Loans' })).toHaveAttribute(
			'aria-describedby',
			'why'
		);
	});
});
