/** A wide table's card (the roster, the role matrix), scrolled sideways from the keyboard too. */
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import ScrollRegion from '../../src/lib/components/ScrollRegion.svelte';

const table = createRawSnippet(() => ({
	render: () => '<table><caption>Supported permissions per role</caption></table>'
}));

describe('ScrollRegion', () => {
	it('is a named region that takes keyboard focus', async () => {
		const user = userEvent.setup();
		render(ScrollRegion, { props: { label: 'Permissions per role', children: table } });
		const region = screen.getByRole('region', { name: 'Permissions per role' });
		expect(within(region).getByRole('table')).toBeInTheDocument();
		await user.tab();
		expect(region).toHaveFocus();
	});
});
