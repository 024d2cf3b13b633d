import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import NoticeList from '../../src/lib/components/NoticeList.svelte';

describe('NoticeList', () => {
	it('announces a refusal with its reason at once, and other news politely', async () => {
		const { rerender } = render(NoticeList, { props: { notices: [], onDismiss: () => {} } });
		const alert = screen.getByRole('alert');
		const status = screen.getByRole('status');
		await rerender({
			notices: [
				{
					id: 'n1',
					tone: 'error',
					title: 'Your change was refused',
					message: 'Institution Zone users cannot be Project Admin in this consortium.'
				},
				{ id: 'n2', tone: 'success', message: 'Your name is saved.' }
			]
		});
		expect(alert).toHaveTextContent(
			'Your change was refused: Institution Zone users cannot be Project Admin in this consortium.'
		);
		expect(status).toHaveTextContent('Your name is saved.');
	});

	it('lets each notice be dismissed', async () => {
		const user = userEvent.setup();
		const onDismiss = vi.fn();
		render(NoticeList, {
			props: { notices: [{ id: 'n2', tone: 'success', message: 'Your name is saved.' }], onDismiss }
		});
		await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Dismiss' }));
		expect(onDismiss).toHaveBeenCalledWith('n2');
	});
});
