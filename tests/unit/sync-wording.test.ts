/**
 * The words of the sync layer's reports (src/lib/sync-wording.ts) and of membership news
 * (src/lib/shared/membership-news.ts): the entry in words, who changed it and when, and what the
 * person can do.
 */
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/lib/shared';
import {
	CLOSE,
	membershipNews,
	type Invite,
	type Member,
	type Rejection
} from '../../src/lib/shared';
import {
	describeClose,
	describeLoss,
	describeRefusal,
	describeUnsent,
	type SyncWordingContext
} from '../../src/lib/sync-wording';

const DEMOTED_AT = Date.UTC(2026, 10, 30, 18, 22);

function member(accountId: string, name: string, patch: Partial<Member> = {}): Member {
	return {
		accountId,
		email: `${accountId}@example.org`,
		name,
		role: 'analyst',
		zoneId: 'nz',
		scope: 'all',
		joinedAt: 1,
		updatedBy: accountId,
		updatedAt: 1,
		...patch
	};
}

const MEMBERS = new Map<string, Member>([
	[
		'ada',
		member('ada', 'Ada Admin', { role: 'analyst', updatedBy: 'nils', updatedAt: DEMOTED_AT })
	],
	['nils', member('nils', 'Nils Network', { role: 'admin' })],
	['nia', member('nia', 'Nia Norberg')],
	['bo', member('bo', 'Bo Boss', { role: 'admin' })]
]);

const context: SyncWordingContext = {
	me: 'ada',
	projectName: 'Northern Lights Analytics',
	member: (accountId) => MEMBERS.get(accountId),
	viewName: (viewId) => (viewId === 'aurora' ? 'Aurora University Library' : undefined)
};

function rejection(root: string, key: string, code: Rejection['code'], message: string): Rejection {
	return { root, key, code, message };
}

describe('a refused change', () => {
	it('names an end date that has passed, and says to choose a later one', () => {
		const words = describeRefusal(
			{
				rejection: rejection(
					'members',
					'nia',
					'end-date-past',
					'An end date must be in the future: 19 Aug 2026 has already passed.'
				),
				attempted: member('nia', 'Nia Norberg', { endsAt: Date.UTC(2026, 7, 19, 23, 59) }),
				current: MEMBERS.get('nia')
			},
			context
		);
		expect(words).toEqual({
			title: 'Not saved',
			message:
				'Changing when the access of Nia Norberg ends. An end date must be in the future: 19 Aug 2026 has already passed. Nia Norberg’s access does not end.',
			hint: 'Choose a later end date.'
		});
	});

	it('names the member and the role, and says the person was demoted meanwhile, by whom and when', () => {
		const words = describeRefusal(
			{
				rejection: rejection(
					'members',
					'nia',
					'admin-only',
					'Only Project Admins can manage the users of a project.'
				),
				attempted: member('nia', 'Nia Norberg', { role: 'consumer', updatedBy: 'ada' }),
				current: MEMBERS.get('nia')
			},
			context
		);
		expect(words).toEqual({
			title: 'Not saved',
			message: `Making Nia Norberg Consumer. Nils Network made you Analyst in Northern Lights Analytics on ${formatDateTime(DEMOTED_AT)}.`,
			hint: 'Ask a Project Admin if the change is still needed.'
		});
	});

	it('names a removal and who protects the entry, with what they can do', () => {
		const bo = MEMBERS.get('bo')!;
		const words = describeRefusal(
			{
				rejection: rejection(
					'members',
					'bo',
					'admin-protected',
					'A Project Admin cannot remove or demote another Project Admin, only users below Admin.'
				),
				attempted: undefined,
				current: bo
			},
			{ ...context, member: (id) => (id === 'ada' ? { ...bo, accountId: 'ada' } : MEMBERS.get(id)) }
		);
		expect(words.message).toBe(
			'Removing Bo Boss from the project. A Project Admin cannot remove or demote another Project Admin, only users below Admin. Bo Boss is Project Admin.'
		);
		expect(words.hint).toBe('Only Bo Boss can step down; ask them if the change is still needed.');
	});

	it('names an invitation by its address and role', () => {
		const invite = {
			id: 'i1',
			email: 'new@aurora.example.edu',
			role: 'analyst',
			sendRequests: 1
		} as Invite;
		const words = describeRefusal(
			{
				rejection: rejection(
					'invites',
					'i1',
					'already-member',
					'new@aurora.example.edu is already a member of this project.'
				),
				attempted: invite,
				current: undefined
			},
			context
		);
		expect(words.message).toBe(
			'Inviting new@aurora.example.edu as Analyst. new@aurora.example.edu is already a member of this project.'
		);
		expect(words.hint).toBe('Nothing to do: they are in the Users list.');
	});

	it('says who changed a workspace object since, and when', () => {
		const words = describeRefusal(
			{
				rejection: rejection(
					'boards',
					'b1',
					'creator-or-admin',
					'Only its creator or a Project Admin can change this board.'
				),
				attempted: { id: 'b1', name: 'Loans', updatedBy: 'ada', updatedAt: 5 },
				current: { id: 'b1', name: 'Loans', updatedBy: 'nils', updatedAt: DEMOTED_AT }
			},
			{ ...context, member: (id) => (id === 'ada' ? member('ada', 'Ada Admin') : MEMBERS.get(id)) }
		);
		expect(words.message).toBe(
			`Changing the board “Loans”. Only its creator or a Project Admin can change this board. Nils Network changed it on ${formatDateTime(DEMOTED_AT)}.`
		);
	});
	it('says a custom event or another’s board written before a demotion was refused by it, by whom and when', () => {
		const written = DEMOTED_AT - 60_000;
		const customEvent = describeRefusal(
			{
				rejection: rejection(
					'customEvents',
					'e1',
					'self-only',
					'Consumers can create and edit custom events for themselves only, not shared ones.'
				),
				attempted: { id: 'e1', name: 'Late returns', updatedBy: 'ada', updatedAt: written },
				current: undefined
			},
			context
		);
		expect(customEvent).toEqual({
			title: 'Not saved',
			message: `Creating the custom event “Late returns”. Nils Network made you Analyst in Northern Lights Analytics on ${formatDateTime(DEMOTED_AT)}.`,
			hint: 'Ask a Project Admin if the change is still needed.'
		});
		const board = describeRefusal(
			{
				rejection: rejection(
					'boards',
					'b1',
					'creator-or-admin',
					'Only its creator or a Project Admin can change this board.'
				),
				attempted: { id: 'b1', name: 'Loans', updatedBy: 'ada', updatedAt: written },
				current: { id: 'b1', name: 'Loans', updatedBy: 'nia', updatedAt: 1 }
			},
			context
		);
		expect(board.message).toBe(
			`Changing the board “Loans”. Nils Network made you Analyst in Northern Lights Analytics on ${formatDateTime(DEMOTED_AT)}.`
		);
	});
});

describe('a replaced change', () => {
	it('names who replaced it, when, and what stands', () => {
		const winner = member('nia', 'Nia Norberg', {
			role: 'admin',
			updatedBy: 'bo',
			updatedAt: DEMOTED_AT
		});
		const words = describeLoss(
			{
				root: 'members',
				key: 'nia',
				winner,
				attempted: member('nia', 'Nia Norberg', { role: 'consumer', updatedBy: 'ada' })
			},
			context
		);
		expect(words).toEqual({
			title: 'Replaced',
			message: `Making Nia Norberg Consumer. Bo Boss changed it on ${formatDateTime(DEMOTED_AT)}: Nia Norberg is Project Admin now.`,
			hint: 'Make your change again if it should stand.'
		});
	});
});

describe('a document closed for good', () => {
	it('says access to a data view was removed, naming it, only when the device had a copy', () => {
		const closed = describeClose(
			'view/p1/aurora',
			CLOSE.accessRevoked,
			{ hadCopy: true, unsent: 0 },
			context
		);
		expect(closed).toMatchObject({
			tone: 'warning',
			accessLost: true,
			message:
				'You no longer see the data view Aurora University Library of Northern Lights Analytics. Its copy on this device was deleted.'
		});
		expect(
			describeClose('view/p1/aurora', CLOSE.forbidden, { hadCopy: false, unsent: 0 }, context)
		).toBeNull();
	});

	it('counts the changes that went with the copy', () => {
		expect(describeUnsent('project/p1', CLOSE.forbidden, 2, context).message).toBe(
			'2 changes you made in Northern Lights Analytics had not reached the server, and you no longer have access there.'
		);
	});
});

describe('membership news', () => {
	const views = [
		{ id: 'global', name: 'Network Office (all institutions)' },
		{ id: 'aurora', name: 'Aurora University Library' }
	];

	it('words a demotion with who did it, through which portal, and what it means', () => {
		expect(
			membershipNews({
				actorName: 'Nils Network',
				portalName: 'Staff Portal',
				projectName: 'Northern Lights Analytics',
				before: { role: 'admin', scope: 'all' },
				after: { role: 'analyst', scope: ['aurora'] },
				views
			})
		).toEqual({
			kind: 'role-changed',
			subject: 'Your role in Northern Lights Analytics is now Analyst',
			text: 'Nils Network via Staff Portal changed your role in Northern Lights Analytics from Project Admin to Analyst. You no longer manage the project’s users. You no longer see the data view Network Office (all institutions).'
		});
	});

	it('has no news for a new name, or for data views gained', () => {
		const base = { actorName: 'Nils Network', projectName: 'P', views };
		expect(
			membershipNews({
				...base,
				before: { role: 'analyst', scope: 'all' },
				after: { role: 'analyst', scope: 'all' }
			})
		).toBeNull();
		expect(
			membershipNews({
				...base,
				before: { role: 'analyst', scope: ['aurora'] },
				after: { role: 'analyst', scope: 'all' }
			})
		).toBeNull();
	});

	it('says a server change was the operators’', () => {
		expect(
			membershipNews({
				actorName: null,
				projectName: 'P',
				views,
				before: { role: 'admin', scope: 'all' },
				after: null
			})?.text
		).toBe(
			'The consortium’s operators removed you from P. It is no longer in your project drop-down.'
		);
	});
});
