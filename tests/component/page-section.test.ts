/** A section of a page (the data view's Lexicon, Lookup Tables, objects, Subscriptions). */
import { render, screen, within } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import PageSection from '../../src/lib/components/PageSection.svelte';

const html = (markup: string) => createRawSnippet(() => ({ render: () => markup }));

describe('PageSection', () => {
	it('is a region named by its heading, says what it holds, and holds its action and content', () => {
		render(PageSection, {
			props: {
				title: 'Lexicon',
				description: 'The events and properties of the data.',
				action: html('<button type="button">Download CSV</button>'),
				children: html('<ul aria-label="Lexicon entries"><li>Checkout</li></ul>')
			}
		});
		const section = screen.getByRole('region', { name: 'Lexicon' });
		expect(within(section).getByRole('heading', { level: 2, name: 'Lexicon' })).toBeVisible();
		expect(within(section).getByText('The events and properties of the data.')).toBeVisible();
		expect(within(section).getByRole('button', { name: 'Download CSV' })).toBeVisible();
		expect(within(section).getByRole('list', { name: 'Lexicon entries' })).toBeVisible();
	});

	it('gives two sections on one page headings of their own', () => {
		const section = (title: string) => ({
			title,
			description: `All the ${title}.`,
			children: html('<p>Nothing yet</p>')
		});
		render(PageSection, { props: section('Saved Formulas') });
		render(PageSection, { props: section('Saved Behaviors') });
		expect(screen.getByRole('region', { name: 'Saved Formulas' })).not.toBe(
			screen.getByRole('region', { name: 'Saved Behaviors' })
		);
	});
});
