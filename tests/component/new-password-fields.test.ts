/**
 * Choosing a password, as the reset-password and invitation pages ask it: the shortest length
 * said before typing, the browser's password manager told it is a new one, and what is wrong
 * under the field it is about.
 */
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import NewPasswordFields, {
	checkNewPassword
} from '../../src/lib/components/NewPasswordFields.svelte';
import NewPasswordHarness from './harness/NewPasswordHarness.svelte';

describe('NewPasswordFields', () => {
	it('asks for the new password twice when the repeat is bound, both required and new', () => {
		render(NewPasswordHarness);
		const first = screen.getByLabelText('New password');
		const again = screen.getByLabelText('New password, again');
		for (const field of [first, again]) {
			expect(field).toHaveAttribute('type', 'password');
			expect(field).toHaveAttribute('autocomplete', 'new-password');
			expect(field).toBeRequired();
		}
		expect(first).toHaveAccessibleDescription('At least 8 characters.');
	});

	it('asks once for an optional password, its hint after the shortest length', () => {
		render(NewPasswordFields, {
			props: {
				password: '',
				label: 'Password (optional)',
				hint: 'Without one, you sign in with a link we email you.',
				required: false
			}
		});
		const field = screen.getByLabelText('Password (optional)');
		expect(field).not.toBeRequired();
		expect(field).toHaveAccessibleDescription(
			'At least 8 characters. Without one, you sign in with a link we email you.'
		);
		expect(screen.queryByLabelText(/again/)).toBeNull();
	});

	it('says under the first field that a password is too short', async () => {
		const user = userEvent.setup();
		render(NewPasswordHarness);
		await user.type(screen.getByLabelText('New password'), 'short');
		await user.type(screen.getByLabelText('New password, again'), 'short');
		await user.click(screen.getByRole('button', { name: 'Set password' }));
		const first = screen.getByLabelText('New password');
		expect(first).toHaveAttribute('aria-invalid', 'true');
		expect(first).toHaveAccessibleDescription(/A password has at least 8 characters\./);
		expect(screen.getByLabelText('New password, again')).not.toHaveAttribute('aria-invalid');
	});

	it('says under the second field that the two are not the same', async () => {
		const user = userEvent.setup();
		render(NewPasswordHarness);
		await user.type(screen.getByLabelText('New password'), 'long enough');
		await user.type(screen.getByLabelText('New password, again'), 'long enougH');
		await user.click(screen.getByRole('button', { name: 'Set password' }));
		expect(screen.getByLabelText('New password, again')).toHaveAccessibleDescription(
			'The two passwords are not the same.'
		);
		expect(screen.getByLabelText('New password')).not.toHaveAttribute('aria-invalid');
	});

	it('takes a password typed the same twice, and an optional one left empty', async () => {
		const user = userEvent.setup();
		render(NewPasswordHarness);
		await user.type(screen.getByLabelText('New password'), 'long enough');
		await user.type(screen.getByLabelText('New password, again'), 'long enough');
		await user.click(screen.getByRole('button', { name: 'Set password' }));
		expect(screen.queryByText(/not the same|at least 8/)).toBeNull();
		expect(checkNewPassword('', { optional: true })).toEqual({});
		expect(checkNewPassword('short', { optional: true })).toEqual({
			password: ['A password has at least 8 characters.']
		});
	});
});
