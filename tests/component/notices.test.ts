/**
 * Each kind of notice as the console builds it (src/lib/state/sync-notices.ts, notice-board.svelte.ts)
 * and shows it beside the sync indicator: what happened in words, who and when, what to do; the
 * changes not saved counted until their notices are dismissed; confirmations that leave by
 * themselves; the same notice twice shown once.
 */
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDateTime } from '../../src/lib/shared';
import { CLOSE, type Member } from '../../src/lib/shared';
import { NoticeBoard, type NewNotice } from '../../src/lib/state/notice-board.svelte';
import {
	lossNotice,
	newsNotice,
	ownMembershipNotice,
	refusalNotice,
	unsentNotice
} from '../../src/lib/state/sync-notices';
import type { SyncWordingContext } from '../../src/lib/sync-wording';
import NoticeBoardHarness from './harness/NoticeBoardHarness.svelte';

const AT = Date.UTC(2026, 10, 30, 18, 22);

function member(accountId: string, name: string, patch: Partial<Member> = {}): Member {
	return {
		accountId,
		email: `${accountId}@office.example.org`,
		name,
		role: 'consumer',
		zoneId: 'nz',
		scope: 'all',
		joinedAt: 1,
		updatedBy: accountId,
		updatedAt: 1,
		...patch
	};
}

const MEMBERS = new Map([
	['dana', member('dana', 'Dana Admin', { role: 'analyst', updatedBy: 'nils', updatedAt: AT })],
	['nils', member('nils', 'Nils Network', { role: 'admin' })],
	['ada', member('ada', 'Ada Moreau')]
]);

const context: SyncWordingContext = {
	me: 'dana',
	projectName: 'Northern Lights Analytics',
	member: (accountId) => MEMBERS.get(accountId),
	viewName: () => undefined
};

const USERS_PAGE = { label: 'Open Project Users', href: '/projects/nl/settings/users' } as const;

/** A board on screen; what is posted to it shows at once (Svelte applies state changes in a batch). */
function show(confirmationMs?: number) {
	const board = new NoticeBoard();
	render(NoticeBoardHarness, { props: { board, confirmationMs } });
	return {
		post: (notice: NewNotice) => flushSync(() => board.post(notice)),
		notify: (message: string) => flushSync(() => board.notify('success', message))
	};
}

const indicator = () => screen.getByText(/^Online —/);

/** Moves the clock on, and lets what its timers changed show. */
function wait(ms: number): void {
	vi.advanceTimersByTime(ms);
	flushSync();
}

afterEach(() => vi.useRealTimers());

describe('a change refused on reconnect', () => {
	it('names the member and the role, who demoted the person and when, what to do, and is counted until dismissed', async () => {
		const user = userEvent.setup();
		const board = show();
		board.post(
			refusalNotice(
				'project/nl',
				{
					rejection: {
						root: 'members',
						key: 'ada',
						code: 'admin-only',
						message: 'Only Project Admins can manage the users of a project.'
					},
					attempted: member('ada', 'Ada Moreau', {
						role: 'analyst',
						updatedBy: 'dana',
						updatedAt: 5
					}),
					current: MEMBERS.get('ada')
				},
				context,
				USERS_PAGE
			)
		);
		const alert = screen.getByRole('alert');
		expect(alert).toHaveTextContent(
			`Not saved: Making Ada Moreau Analyst. Nils Network made you Analyst in Northern Lights Analytics on ${formatDateTime(AT)}.`
		);
		expect(alert).toHaveTextContent('Ask a Project Admin if the change is still needed.');
		expect(within(alert).getByRole('link', { name: 'Open Project Users' })).toHaveAttribute(
			'href',
			'/projects/nl/settings/users'
		);
		expect(indicator()).toHaveTextContent('Online — 1 change not saved');

		await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
		expect(within(alert).queryByRole('button')).toBeNull();
		expect(indicator()).toHaveTextContent('Online — all changes saved');
	});
});

describe('a change replaced by somebody else’s', () => {
	it('says who replaced it, when, and what stands, and counts as not saved', () => {
		const board = show();
		board.post(
			lossNotice(
				'project/nl',
				{
					root: 'members',
					key: 'ada',
					attempted: member('ada', 'Ada Moreau', {
						role: 'analyst',
						updatedBy: 'dana',
						updatedAt: 5
					}),
					winner: member('ada', 'Ada Moreau', {
						role: 'consumer',
						updatedBy: 'nils',
						updatedAt: AT
					})
				},
				context
			)
		);
		const notice = screen.getByText(/Making Ada Moreau Analyst\./).closest('.notice')!;
		expect(within(screen.getByRole('alert')).queryByRole('button')).toBeNull();
		expect(notice).toHaveTextContent(
			`Replaced: Making Ada Moreau Analyst. Nils Network changed it on ${formatDateTime(AT)}: Ada Moreau is Consumer now.`
		);
		expect(notice).toHaveTextContent('Make your change again if it should stand.');
		expect(indicator()).toHaveTextContent('Online — 1 change not saved');
	});
});

describe('changes that went with a deleted copy', () => {
	it('counts them all in the indicator', () => {
		const board = show();
		board.post(unsentNotice('project/nl', CLOSE.forbidden, 2, context));
		expect(screen.getByRole('alert')).toHaveTextContent(
			'Not saved: 2 changes you made in Northern Lights Analytics had not reached the server, and you no longer have access there.'
		);
		expect(indicator()).toHaveTextContent('Online — 2 changes not saved');
	});
});

describe('news of what was done to the person', () => {
	it('shows who did what and when, politely, and stays', () => {
		vi.useFakeTimers({ shouldAdvanceTime: true });
		const board = show(1000);
		board.post(
			newsNotice({
				id: 'n1',
				at: AT,
				kind: 'removed-from-project',
				projectId: 'nl',
				text: 'Nils Network removed you from Northern Lights Analytics. It is no longer in your project drop-down.'
			})
		);
		const notice = screen.getByText(/removed you from/).closest('.notice')!;
		expect(screen.getAllByRole('status').some((region) => region.contains(notice))).toBe(true);
		expect(notice).toHaveTextContent('Removed from a project: Nils Network removed you');
		expect(within(notice as HTMLElement).getByText(formatDateTime(AT))).toHaveAttribute(
			'datetime',
			new Date(AT).toISOString()
		);
		wait(5000);
		expect(screen.queryByText(/removed you from/)).toBeInTheDocument();
		expect(indicator()).toHaveTextContent('Online — all changes saved');
	});

	it('words a role change the embedded widget saw', () => {
		const board = show();
		board.post(
			ownMembershipNotice(
				'nl',
				{
					kind: 'role-changed',
					subject: '',
					text: 'Nils Network changed your role in Northern Lights Analytics from Project Admin to Analyst. You no longer manage the project’s users.'
				},
				AT
			)
		);
		expect(screen.getByText(/changed your role/).closest('.notice')).toHaveTextContent(
			'Your role changed: Nils Network changed your role in Northern Lights Analytics from Project Admin to Analyst.'
		);
	});
});

describe('confirmations', () => {
	it('leave by themselves, but not while the pointer is on them', async () => {
		vi.useFakeTimers({ shouldAdvanceTime: true });
		const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
		const board = show(1000);
		board.notify('Your name is saved.');
		const notice = screen.getByText('Your name is saved.').closest('.notice')!;
		await user.hover(notice);
		wait(3000);
		expect(screen.queryByText('Your name is saved.')).toBeInTheDocument();
		await user.unhover(notice);
		wait(1500);
		expect(screen.queryByText('Your name is saved.')).not.toBeInTheDocument();
	});

	it('are shown once when they come again, counted, and wait again from the start', async () => {
		vi.useFakeTimers({ shouldAdvanceTime: true });
		const board = show(1000);
		board.notify('The invitation will be sent again with a new link.');
		wait(800);
		board.notify('The invitation will be sent again with a new link.');
		await vi.advanceTimersByTimeAsync(0);
		expect(screen.getAllByText(/The invitation will be sent again/)).toHaveLength(1);
		expect(screen.getByText('(2 times)')).toBeInTheDocument();
		wait(800);
		expect(screen.queryByText(/The invitation will be sent again/)).toBeInTheDocument();
		wait(400);
		expect(screen.queryByText(/The invitation will be sent again/)).not.toBeInTheDocument();
	});
});
