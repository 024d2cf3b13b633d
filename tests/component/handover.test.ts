/**
 * The hand-over UI: asking another Project Admin to step down (from their row, in a dialog),
 * answering a request asked of oneself (accepting only after a confirmation that warns who would be
 * left running the project), withdrawing one's own, and stepping down from the role menu.
 */
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import HandoverDialog from '../../src/lib/components/HandoverDialog.svelte';
import HandoverRequests from '../../src/lib/components/HandoverRequests.svelte';
import MembersTable from '../../src/lib/components/MembersTable.svelte';
import type { HandoverRequest, Member } from '../../src/lib/shared';
import { ADMIN, VIEWS, ZONES, member, permissionsFor } from './fixtures';

const WARNING =
	'Cove Analytics would then be run only by Dana Admin (Harbour Office), from outside Cove Public Library.';

function request(patch: Partial<HandoverRequest> = {}): HandoverRequest {
	return {
		id: 'h1',
		kind: 'take-over',
		askedBy: 'cora',
		askedOf: 'dana',
		stepDownTo: 'analyst',
		message: 'Cove runs its own project from June.',
		createdAt: Date.UTC(2026, 5, 1, 9, 30),
		status: 'pending',
		answeredAt: null,
		reply: null,
		...patch
	};
}

describe('HandoverDialog', () => {
	function setup(problem: string | null = null) {
		const user = userEvent.setup();
		const onSend = vi.fn();
		render(HandoverDialog, {
			props: {
				open: true,
				adminName: 'Dana Admin',
				projectName: 'Cove Analytics',
				onSend,
				problem
			}
		});
		return {
			user,
			onSend,
			dialog: screen.getByRole('dialog', { name: 'Ask Dana Admin to step down' })
		};
	}

	it('says that only the asked admin answers, and sends what was chosen', async () => {
		const { user, onSend, dialog } = setup();
		expect(dialog).toHaveAccessibleDescription(
			/A Project Admin cannot remove or demote another Project Admin\. Only Dana Admin can accept or decline/
		);
		expect(screen.getByRole('radio', { name: /Step down/ })).toBeChecked();
		await user.click(screen.getByRole('radio', { name: /Let me take over/ }));
		await user.selectOptions(screen.getByLabelText('Their role afterwards'), 'Consumer');
		await user.type(screen.getByLabelText('Message to Dana Admin (optional)'), '  Thank you!  ');
		await user.click(screen.getByRole('button', { name: 'Send request' }));
		expect(onSend).toHaveBeenCalledWith({
			kind: 'take-over',
			stepDownTo: 'consumer',
			message: 'Thank you!'
		});
	});

	it('offers only the roles below Admin, Analyst first', () => {
		setup();
		const role = screen.getByLabelText('Their role afterwards');
		expect(
			within(role)
				.getAllByRole('option')
				.map((option) => option.textContent)
		).toEqual(['Analyst', 'Consumer']);
		expect(role).toHaveValue('analyst');
	});

	it('shows why a request could not be sent', () => {
		setup('A hand-over request asks another Project Admin of this project.');
		expect(screen.getByRole('alert')).toHaveTextContent(
			'A hand-over request asks another Project Admin of this project.'
		);
	});
});

describe('HandoverRequests', () => {
	function setup(
		items: HandoverRequest[],
		currentAccountId: string,
		warning: string | null = null
	) {
		const user = userEvent.setup();
		const handlers = { onAccept: vi.fn(), onDecline: vi.fn(), onWithdraw: vi.fn() };
		render(HandoverRequests, {
			props: {
				items: items.map((item) => ({
					request: item,
					askerName: 'Cora Cove',
					askedName: 'Dana Admin'
				})),
				currentAccountId,
				projectName: 'Cove Analytics',
				stepDownWarning: warning,
				...handlers
			}
		});
		return { user, ...handlers };
	}

	it('asks the asked admin, who accepts only after confirming, warned of who would be left', async () => {
		const { user, onAccept, onDecline } = setup([request()], 'dana', WARNING);
		expect(screen.getByRole('heading', { name: 'Hand-over requests' })).toBeInTheDocument();
		expect(
			screen.getByText('Cora Cove asks to take over from you as Project Admin')
		).toBeInTheDocument();
		expect(screen.getByText('“Cove runs its own project from June.”')).toBeInTheDocument();
		await user.type(screen.getByLabelText('Reply to Cora Cove (optional)'), 'Of course.');

		await user.click(screen.getByRole('button', { name: 'Accept and step down to Analyst' }));
		const confirm = screen.getByRole('dialog', { name: 'Step down to Analyst?' });
		expect(confirm).toHaveTextContent(`Before you go: ${WARNING}`);
		expect(onAccept).not.toHaveBeenCalled();
		await user.click(within(confirm).getByRole('button', { name: 'Step down' }));
		expect(onAccept).toHaveBeenCalledWith('h1', 'Of course.');
		expect(onDecline).not.toHaveBeenCalled();
	});

	it('lets the asked admin decline, with their reply', async () => {
		const { user, onDecline, onAccept } = setup([request()], 'dana');
		await user.type(screen.getByLabelText('Reply to Cora Cove (optional)'), 'Not before June.');
		await user.click(screen.getByRole('button', { name: 'Decline' }));
		expect(onDecline).toHaveBeenCalledWith('h1', 'Not before June.');
		expect(onAccept).not.toHaveBeenCalled();
	});

	it('shows the asker their waiting request with Withdraw, and no way to answer it', async () => {
		const { user, onWithdraw } = setup([request()], 'cora');
		expect(
			screen.getByText(
				/You asked Dana Admin to let you take over, stepping down to Analyst\. Waiting/
			)
		).toBeInTheDocument();
		expect(screen.queryByRole('button', { name: /Accept/ })).not.toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Decline' })).not.toBeInTheDocument();
		await user.click(
			screen.getByRole('button', { name: 'Withdraw the hand-over request to Dana Admin' })
		);
		expect(onWithdraw).toHaveBeenCalledWith('h1');
	});

	it('tells the asker the answer, with the reply', () => {
		setup(
			[
				request({
					id: 'h1',
					status: 'accepted',
					answeredAt: Date.UTC(2026, 5, 2),
					reply: 'Gladly.'
				}),
				request({
					id: 'h2',
					kind: 'step-down',
					status: 'declined',
					answeredAt: Date.UTC(2026, 5, 3)
				})
			],
			'cora'
		);
		expect(
			screen.getByText(/Dana Admin accepted your hand-over request and is now Analyst\./)
		).toBeInTheDocument();
		expect(screen.getByText('Dana Admin: “Gladly.”')).toBeInTheDocument();
		expect(
			screen.getByText(/Dana Admin declined your hand-over request and stays Project Admin\./)
		).toBeInTheDocument();
		expect(screen.queryByRole('button', { name: /Withdraw/ })).not.toBeInTheDocument();
	});
});

describe('MembersTable with another Project Admin', () => {
	const BO = member('bo', 'Bo Admin', 'admin', 'nz');
	const MEMBERS: Member[] = [ADMIN, BO, member('nils', 'Nils Network', 'analyst', 'nz')];

	function setup(stepDownWarning: string | null = null) {
		const user = userEvent.setup();
		const handlers = { onChangeRole: vi.fn(), onRemove: vi.fn(), onAskHandover: vi.fn() };
		render(MembersTable, {
			props: {
				members: MEMBERS,
				zones: ZONES,
				views: VIEWS,
				currentAccountId: ADMIN.accountId,
				permissionsFor: permissionsFor(MEMBERS),
				projectName: 'Consortium analytics',
				stepDownWarning,
				...handlers
			}
		});
		return { user, ...handlers };
	}

	it('keeps Remove and the role of another Project Admin locked, saying who can, and offers to ask', async () => {
		const { user, onAskHandover, onRemove } = setup();
		const remove = screen.getByRole('button', { name: 'Remove Bo Admin' });
		expect(remove).toHaveAttribute('aria-disabled', 'true');
		expect(remove).toHaveAccessibleDescription(
			'Only Bo Admin can give up their Project Admin role, by stepping down or leaving: a Project Admin cannot remove another Project Admin, only users below Admin. Ask Bo Admin with a hand-over request.'
		);
		expect(screen.getByRole('button', { name: 'Role of Bo Admin: Project Admin' })).toHaveAttribute(
			'aria-disabled',
			'true'
		);
		await user.click(remove);
		expect(onRemove).not.toHaveBeenCalled();
		await user.click(screen.getByRole('button', { name: 'Ask Bo Admin to step down' }));
		expect(onAskHandover).toHaveBeenCalledWith('bo');
		// Nobody to ask below Admin, nor oneself.
		expect(screen.queryByRole('button', { name: 'Ask Nils Network to step down' })).toBeNull();
		expect(screen.queryByRole('button', { name: 'Ask Ada Admin to step down' })).toBeNull();
	});

	it('steps the signed-in admin down only after a confirmation that carries the warning', async () => {
		const { user, onChangeRole } = setup(WARNING);
		await user.click(screen.getByRole('button', { name: 'Role of Ada Admin: Project Admin' }));
		await user.click(screen.getByRole('menuitemradio', { name: 'Analyst' }));
		const confirm = screen.getByRole('dialog', { name: 'Step down to Analyst?' });
		expect(confirm).toHaveTextContent(WARNING);
		expect(onChangeRole).not.toHaveBeenCalled();
		await user.click(within(confirm).getByRole('button', { name: 'Step down' }));
		expect(onChangeRole).toHaveBeenCalledWith('admin-1', 'analyst');
	});

	it('warns before the signed-in admin leaves, and not when they change others’ roles', async () => {
		const { user, onChangeRole, onRemove } = setup(WARNING);
		await user.click(screen.getByRole('button', { name: 'Leave project' }));
		const confirm = screen.getByRole('dialog', { name: 'Leave Consortium analytics?' });
		expect(confirm).toHaveTextContent(`Before you go: ${WARNING}`);
		await user.click(within(confirm).getByRole('button', { name: 'Leave project' }));
		expect(onRemove).toHaveBeenCalledWith('admin-1');

		await user.click(screen.getByRole('button', { name: 'Role of Nils Network: Analyst' }));
		await user.click(screen.getByRole('menuitemradio', { name: 'Consumer' }));
		expect(screen.queryByRole('dialog', { name: /Step down/ })).toBeNull();
		const confirm2 = screen.getByRole('dialog', { name: 'Make Nils Network Consumer?' });
		expect(confirm2).not.toHaveTextContent(WARNING);
		await user.click(within(confirm2).getByRole('button', { name: 'Change role' }));
		expect(onChangeRole).toHaveBeenCalledWith('nils', 'consumer');
	});
});
