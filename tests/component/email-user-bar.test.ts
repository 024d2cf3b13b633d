import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import EmailUserBar from '../../src/lib/components/EmailUserBar.svelte';
import type { EmailEntry } from '../../src/lib/components/email-entries';

function setup(refusals: Record<string, string> = {}) {
	const onChange = vi.fn<(emails: EmailEntry[]) => void>();
	const user = userEvent.setup();
	render(EmailUserBar, { props: { emails: [], onChange, refusals } });
	const input = screen.getByLabelText('Email addresses');
	const chips = () =>
		screen.queryByRole('list', { name: 'Addresses to invite' })
			? within(screen.getByRole('list', { name: 'Addresses to invite' }))
					.getAllByRole('listitem')
					.map((chip) => chip.querySelector('.chip-text')?.textContent)
			: [];
	const latest = () => onChange.mock.lastCall?.[0] ?? [];
	return { user, input, chips, latest };
}

describe('EmailUserBar', () => {
	it('turns a pasted list separated by commas, semicolons, spaces and new lines into one chip per address', async () => {
		const { user, input, chips, latest } = setup();
		await user.click(input);
		await user.paste(
			'ana@aurora.example.edu, ben@borealis.example.edu;cy@office.example.org\ndee@aurora.example.edu eve@aurora.example.edu'
		);
		expect(chips()).toEqual([
			'ana@aurora.example.edu',
			'ben@borealis.example.edu',
			'cy@office.example.org',
			'dee@aurora.example.edu',
			'eve@aurora.example.edu'
		]);
		expect(latest().every((entry) => entry.error === null)).toBe(true);
		expect(input).toHaveValue('');
	});

	it('reads addresses in the "Name <address>" form that mail programs copy', async () => {
		const { user, input, chips } = setup();
		await user.click(input);
		await user.paste('Ana Silva <ana@aurora.example.edu>; Ben Okafor <ben@borealis.example.edu>');
		expect(chips()).toEqual(['ana@aurora.example.edu', 'ben@borealis.example.edu']);
	});

	it('makes a chip when a separator is typed, and normalizes the address', async () => {
		const { user, input, chips } = setup();
		await user.type(input, 'Ana@Aurora.Example.edu,');
		expect(chips()).toEqual(['ana@aurora.example.edu']);
		await user.type(input, 'ben@borealis.example.edu{Enter}');
		expect(chips()).toEqual(['ana@aurora.example.edu', 'ben@borealis.example.edu']);
	});

	it('marks an invalid address and says why, next to the bar', async () => {
		const { user, input, latest } = setup();
		await user.type(input, 'not-an-address ana@aurora.example.edu ');
		const invalid = screen.getByText('not-an-address', { selector: '.chip-text' }).closest('li');
		expect(invalid).toHaveClass('invalid');
		expect(invalid).toHaveTextContent('cannot be invited: Enter a valid email address');
		expect(latest()).toEqual([
			{ address: 'not-an-address', error: 'Enter a valid email address' },
			{ address: 'ana@aurora.example.edu', error: null }
		]);
		expect(input).toHaveAccessibleDescription(/not-an-address: Enter a valid email address/);
	});

	it('shows the reason an address is refused by the caller', async () => {
		const { user, input } = setup({
			'ana@aurora.example.edu': 'ana@aurora.example.edu is already a member of this project.'
		});
		await user.type(input, 'ana@aurora.example.edu,');
		const chip = screen
			.getByText('ana@aurora.example.edu', { selector: '.chip-text' })
			.closest('li');
		expect(chip).toHaveClass('invalid');
		expect(chip).toHaveTextContent('already a member of this project');
	});

	it('removes the last chip with Backspace in the empty field', async () => {
		const { user, input, chips } = setup();
		await user.type(input, 'ana@aurora.example.edu ben@borealis.example.edu ');
		await user.keyboard('{Backspace}');
		expect(chips()).toEqual(['ana@aurora.example.edu']);
		expect(screen.getByText('Removed ben@borealis.example.edu.')).toBeInTheDocument();
	});

	it('ignores an address that is already in the bar, whatever its case', async () => {
		const { user, input, chips } = setup();
		await user.type(input, 'ana@aurora.example.edu ANA@aurora.example.edu ');
		expect(chips()).toEqual(['ana@aurora.example.edu']);
		expect(screen.getByText('1 already in the list.')).toBeInTheDocument();
	});

	it('removes a chip with its own button, named after the address', async () => {
		const { user, input, chips } = setup();
		await user.type(input, 'ana@aurora.example.edu ben@borealis.example.edu ');
		await user.click(screen.getByRole('button', { name: 'Remove ana@aurora.example.edu' }));
		expect(chips()).toEqual(['ben@borealis.example.edu']);
		expect(input).toHaveFocus();
	});
});
