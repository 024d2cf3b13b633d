import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SyncIndicator from '../../src/lib/components/SyncIndicator.svelte';

describe('SyncIndicator', () => {
	it.each([
		['offline', 3, 'Offline — 3 changes waiting'],
		['offline', 1, 'Offline — 1 change waiting'],
		['offline', 0, 'Offline — no changes waiting'],
		['syncing', 2, 'Syncing — 2 changes waiting'],
		['online', 0, 'Online — all changes saved']
	] as const)('reads "%s" with %i pending as "%s"', (status, pending, text) => {
		render(SyncIndicator, { props: { status, pending } });
		expect(screen.getByRole('status')).toHaveTextContent(text);
	});

	it('claims nothing saved while the first sync is under way', () => {
		render(SyncIndicator, { props: { status: 'syncing', pending: 0 } });
		expect(screen.getByRole('status')).toHaveTextContent('Syncing — getting the latest');
		expect(screen.getByRole('status')).not.toHaveTextContent(/saved/);
	});

	it.each([
		['online', 0, 2, 'Online — 2 changes not saved'],
		['online', 0, 1, 'Online — 1 change not saved'],
		['syncing', 1, 2, 'Syncing — 1 change waiting, 2 not saved'],
		['offline', 3, 1, 'Offline — 3 changes waiting, 1 not saved']
	] as const)(
		'counts changes not saved: "%s", %i pending, %i not saved reads "%s"',
		(status, pending, unsaved, text) => {
			render(SyncIndicator, { props: { status, pending, unsaved } });
			expect(screen.getByRole('status')).toHaveTextContent(text);
		}
	);

	it('announces changes politely', async () => {
		const { rerender } = render(SyncIndicator, { props: { status: 'online', pending: 0 } });
		const status = screen.getByRole('status');
		expect(status).toHaveAttribute('aria-live', 'polite');
		await rerender({ status: 'offline', pending: 4 });
		expect(status).toHaveTextContent('Offline — 4 changes waiting');
	});
});
