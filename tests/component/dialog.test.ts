import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import DialogHarness from './harness/DialogHarness.svelte';

async function openDialog() {
	const user = userEvent.setup();
	render(DialogHarness);
	const opener = screen.getByRole('button', { name: 'Edit name' });
	await user.click(opener);
	const dialog = screen.getByRole('dialog', { name: 'Edit name' });
	return { user, opener, dialog };
}

describe('Dialog', () => {
	it('is named by its title, described by its sentence, and starts on its first field', async () => {
		const { dialog } = await openDialog();
		expect(dialog).toHaveAccessibleDescription('Your name as others see it.');
		expect(screen.getByRole('textbox', { name: 'Name' })).toHaveFocus();
	});

	it('keeps Tab and Shift+Tab inside the dialog', async () => {
		const { user } = await openDialog();
		const name = screen.getByRole('textbox', { name: 'Name' });
		const save = screen.getByRole('button', { name: 'Save' });
		const close = screen.getByRole('button', { name: 'Close' });
		await user.tab();
		expect(save).toHaveFocus();
		await user.tab();
		expect(close).toHaveFocus();
		await user.tab({ shift: true });
		expect(save).toHaveFocus();
		await user.tab({ shift: true });
		expect(name).toHaveFocus();
		await user.tab({ shift: true });
		expect(close).toHaveFocus();
	});

	it('closes on Escape and gives focus back to the button that opened it', async () => {
		const { user, opener } = await openDialog();
		await user.keyboard('{Escape}');
		expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
		expect(opener).toHaveFocus();
	});

	it('closes with its Close button, focus going back to the opener', async () => {
		const { user, opener } = await openDialog();
		await user.click(screen.getByRole('button', { name: 'Close' }));
		expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
		expect(opener).toHaveFocus();
	});
});
