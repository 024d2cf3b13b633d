import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import RecipientPicker from '../../src/lib/components/RecipientPicker.svelte';

const READERS = [
	{ email: 'ada@office.example.org', name: 'Ada Admin' },
	{ email: 'nia@office.example.org', name: 'Nia Analyst' },
	{ email: 'ned@office.example.org', name: 'Ned Consumer' }
];

function setup(selected: string[]) {
	const user = userEvent.setup();
	render(RecipientPicker, {
		props: {
			selected,
			choices: READERS,
			describe: (email: string) => {
				const reader = READERS.find((person) => person.email === email);
				return {
					name: reader?.name ?? email,
					isYou: email === 'nia@office.example.org',
					leftOut: reader ? null : 'not a member of the project, so the digest leaves it out'
				};
			},
			refusalFor: (email: string) => `${email} is not a member of Analytics.`
		}
	});
	const chosen = () =>
		screen.queryByRole('list', { name: 'Chosen recipients' })
			? within(screen.getByRole('list', { name: 'Chosen recipients' }))
					.getAllByRole('listitem')
					.map((item) => item.textContent?.replace(/\s+/g, ' ').trim())
			: [];
	return { user, chosen, search: screen.getByLabelText('Add a person') };
}

describe('RecipientPicker', () => {
	it('lists the chosen recipients by name, the signed-in person as "(you)"', () => {
		const { chosen } = setup(['nia@office.example.org']);
		expect(chosen()).toEqual(['Nia Analyst (you) nia@office.example.org']);
	});

	it('finds people who read the view by name and adds them', async () => {
		const { user, chosen, search } = setup(['nia@office.example.org']);
		await user.type(search, 'ada');
		const offers = within(screen.getByRole('list', { name: 'People you can add' }));
		expect(offers.getAllByRole('button').map((button) => button.textContent?.trim())).toEqual([
			expect.stringContaining('Ada Admin')
		]);
		await user.click(offers.getByRole('button', { name: /Ada Admin/ }));
		expect(chosen()).toEqual([
			'Nia Analyst (you) nia@office.example.org',
			'Ada Admin ada@office.example.org'
		]);
		expect(screen.getByRole('status')).toHaveTextContent('Ada Admin added.');
		expect(search).toHaveFocus();
	});

	it('gives the policy’s reason for an address nobody who reads the view has', async () => {
		const { user, search } = setup([]);
		await user.type(search, 'someone@mail.example.com');
		expect(
			screen.getByText('someone@mail.example.com is not a member of Analytics.')
		).toBeVisible();
		expect(screen.queryByRole('list', { name: 'People you can add' })).toBeNull();
	});

	it('says why a recipient already on the list is left out of the digest, and removes them by name', async () => {
		const { user, chosen } = setup(['gone@mail.example.com', 'ada@office.example.org']);
		expect(chosen()[0]).toContain('not a member of the project, so the digest leaves it out');
		await user.click(screen.getByRole('button', { name: 'Remove gone@mail.example.com' }));
		expect(chosen()).toEqual(['Ada Admin ada@office.example.org']);
	});
});
