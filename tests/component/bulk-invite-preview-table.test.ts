import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BulkInvitePreviewTable from '../../src/lib/components/BulkInvitePreviewTable.svelte';
import type { BulkInviteRow } from '../../src/lib/shared';

function row(n: number, patch: Partial<BulkInviteRow> = {}): BulkInviteRow {
	return {
		row: n,
		email: `person${n}@aurora.example.edu`,
		name: `Person ${n}`,
		outcome: 'invite',
		role: 'analyst',
		zoneId: 'aurora',
		endsAt: null,
		code: null,
		column: null,
		message: 'Invited by mail, with an Accept Invite link.',
		...patch
	};
}

const ROWS: BulkInviteRow[] = [
	row(2),
	row(3, {
		outcome: 'refused',
		role: null,
		zoneId: null,
		code: 'unknown-role',
		column: 'role',
		message: '"Boss" is not a project role.'
	}),
	row(4, { outcome: 'member', message: 'Already a member (Analyst): nothing changes here.' }),
	row(5, { outcome: 'add', endsAt: Date.UTC(2027, 8, 1) - 1 })
];

function setup(rows = ROWS, pageSize?: number) {
	const user = userEvent.setup();
	render(BulkInvitePreviewTable, {
		props: { rows, zoneName: () => 'Aurora', ...(pageSize ? { pageSize } : {}) }
	});
	const table = screen.getByRole('table', { name: 'Preview of the file, row by row' });
	return { user, table };
}

describe('BulkInvitePreviewTable', () => {
	it('shows the refused rows first, each with its row number, column and reason', () => {
		const { table } = setup();
		const rows = within(table).getAllByRole('row');
		expect(rows).toHaveLength(2);
		expect(rows[1]).toHaveTextContent('3');
		expect(rows[1]).toHaveTextContent('Refused');
		expect(rows[1]).toHaveTextContent('role: "Boss" is not a project role.');
		expect(screen.getByRole('combobox', { name: 'Show' })).toHaveValue('refused');
	});

	it('shows every row and its outcome in words when asked', async () => {
		const { user, table } = setup();
		await user.selectOptions(screen.getByRole('combobox', { name: 'Show' }), 'all');
		const rows = within(table).getAllByRole('row');
		expect(rows).toHaveLength(5);
		expect(within(table).getByRole('row', { name: /person4@/ })).toHaveTextContent(
			'Already a member'
		);
		expect(within(table).getByRole('row', { name: /person5@/ })).toHaveTextContent(
			'Analyst · Aurora · until 31 Aug 2027'
		);
		expect(within(table).getByRole('row', { name: /person5@/ })).toHaveTextContent('Add at once');
	});

	it('shows a long file a page at a time', async () => {
		const many = Array.from({ length: 7 }, (_, index) => row(index + 2));
		const { user, table } = setup(many, 3);
		expect(within(table).getAllByRole('row')).toHaveLength(4);
		expect(screen.getByText('Showing 3 of 7 rows.')).toBeInTheDocument();
		await user.click(screen.getByRole('button', { name: 'Show 3 more' }));
		expect(within(table).getAllByRole('row')).toHaveLength(7);
	});
});
