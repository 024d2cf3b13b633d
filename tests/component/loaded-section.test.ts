/**
 * What Personal Settings loads from the server (the account, its sessions, the portals it
 * allowed): the list, or why it could not be loaded with Try again.
 */
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ApiFailure } from '../../src/lib/api';
import LoadFailure from '../../src/lib/components/LoadFailure.svelte';
import LoadedSection from '../../src/lib/components/LoadedSection.svelte';

const OFFLINE: ApiFailure = {
	ok: false,
	status: 0,
	code: 'network',
	message: 'The server could not be reached.'
};

const list = createRawSnippet(() => ({ render: () => '<ul aria-label="Sessions"></ul>' }));

describe('LoadedSection', () => {
	it('is a region named by its heading that shows the list once loaded', () => {
		render(LoadedSection, {
			props: {
				title: 'Sessions',
				intro: 'The browsers and devices where your account is signed in.',
				failure: null,
				onRetry: vi.fn(),
				children: list
			}
		});
		const section = screen.getByRole('region', { name: 'Sessions' });
		expect(within(section).getByRole('heading', { level: 2 })).toHaveTextContent('Sessions');
		expect(
			within(section).getByText('The browsers and devices where your account is signed in.')
		).toBeVisible();
		expect(within(section).getByRole('list', { name: 'Sessions' })).toBeInTheDocument();
		expect(within(section).queryByRole('alert')).toBeNull();
	});

	it('says why the list could not be loaded instead, and tries again when asked', async () => {
		const user = userEvent.setup();
		const onRetry = vi.fn();
		render(LoadedSection, {
			props: { title: 'Sessions', intro: '…', failure: OFFLINE, onRetry, children: list }
		});
		const section = screen.getByRole('region', { name: 'Sessions' });
		expect(within(section).queryByRole('list')).toBeNull();
		expect(within(section).getByRole('alert')).toHaveTextContent(OFFLINE.message);
		await user.click(within(section).getByRole('button', { name: 'Try again' }));
		expect(onRetry).toHaveBeenCalledOnce();
	});
});

describe('LoadFailure', () => {
	it('takes focus when it stands for the whole page, and only then', () => {
		const { unmount } = render(LoadFailure, {
			props: { failure: OFFLINE, onRetry: vi.fn(), focusOnMount: true }
		});
		expect(screen.getByRole('alert')).toHaveFocus();
		unmount();
		render(LoadFailure, { props: { failure: OFFLINE, onRetry: vi.fn() } });
		expect(screen.getByRole('alert')).not.toHaveFocus();
	});
});
