/** Where a person can go when a project or a data view cannot be shown to them. */
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import PlaceLinks from '../../src/lib/components/PlaceLinks.svelte';

describe('PlaceLinks', () => {
	it('is navigation named by its heading, with a link to each place', () => {
		render(PlaceLinks, {
			props: {
				heading: 'Data views you can open',
				level: 3,
				places: [
					{ id: 'aurora', href: '/projects/p1/views/aurora', label: 'Aurora University Library' },
					{ id: 'global', href: '/projects/p1/views/global', label: 'Global' }
				]
			}
		});
		const nav = screen.getByRole('navigation', { name: 'Data views you can open' });
		expect(
			within(nav).getByRole('heading', { level: 3, name: 'Data views you can open' })
		).toBeVisible();
		expect(
			within(nav)
				.getAllByRole('link')
				.map((link) => link.getAttribute('href'))
		).toEqual(['/projects/p1/views/aurora', '/projects/p1/views/global']);
		expect(within(nav).getByRole('link', { name: 'Aurora University Library' })).toBeVisible();
	});

	it('puts its heading at the level it is given', () => {
		render(PlaceLinks, {
			props: {
				heading: 'Your project',
				level: 2,
				places: [{ id: 'p2', href: '/projects/p2', label: 'Cove Analytics' }]
			}
		});
		expect(screen.getByRole('heading', { level: 2, name: 'Your project' })).toBeVisible();
	});
});
