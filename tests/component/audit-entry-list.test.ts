import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import AuditEntryList from '../../src/lib/components/AuditEntryList.svelte';
import type { AuditEntry } from '../../src/lib/shared';

const BASE: AuditEntry = {
	id: '2',
	at: Date.UTC(2026, 10, 30, 18, 22),
	document: 'project/northern-lights',
	viewId: null,
	root: 'members',
	key: 'dana',
	author: { id: 'nils', name: 'Nils Network' },
	via: null,
	outcome: 'accepted',
	code: null,
	message: null,
	change: 'update',
	before: { accountId: 'dana', role: 'admin' },
	after: { accountId: 'dana', role: 'consumer' },
	redacted: null,
	sentence: 'Nils Network changed Dana Admin’s role from Project Admin to Consumer'
};

function renderList(entries: AuditEntry[]) {
	render(AuditEntryList, { props: { entries, formatTime: () => '30 Nov 2026 18:22' } });
	return within(screen.getByRole('list', { name: 'Changes, newest first' })).getAllByRole(
		'listitem'
	);
}

describe('AuditEntryList', () => {
	it('shows each entry as its sentence and time, with the data hidden until asked for', async () => {
		const [item] = renderList([BASE]);
		expect(item!.querySelector('.sentence')).toHaveTextContent(
			'Nils Network changed Dana Admin’s role from Project Admin to Consumer · 30 Nov 2026 18:22'
		);
		expect(item!.querySelector('time')).toHaveAttribute('datetime', '2026-11-30T18:22:00.000Z');
		const details = item!.querySelector('details')!;
		expect(details.open).toBe(false);
		await userEvent.setup().click(within(item!).getByText('Show the data'));
		expect(details.open).toBe(true);
		expect(within(item!).getByText(/"role": "consumer"/)).toBeVisible();
	});

	it('marks a refused attempt and gives the policy’s own answer in the data', () => {
		const [item] = renderList([
			{
				...BASE,
				outcome: 'refused',
				code: 'admin-only',
				message: 'Only Project Admins can manage the users of a project.',
				sentence:
					'Ian Analyst tried to change Dana Admin’s role from Project Admin to Consumer; refused: only Project Admins manage people'
			}
		]);
		expect(within(item!).getByText('Refused')).toHaveClass('badge-danger');
		expect(item).toHaveTextContent(
			'admin-only Only Project Admins can manage the users of a project.'
		);
	});

	it('says why values are missing instead of showing empty JSON', () => {
		const [item] = renderList([
			{ ...BASE, before: null, after: null, redacted: 'private-document' }
		]);
		expect(item).toHaveTextContent('Not recorded: a private document’s values are never kept.');
		expect(item!.querySelector('pre')).toBeNull();
	});
});
