/**
 * The preview of a change, in Chromium against the real server: a Project Admin changes a member's
 * role and data views on Project Users, sees what the member would lose (the subscriptions that
 * would stop come from the server) while nothing is written yet, confirms, and the change lands.
 * axe finds nothing serious in the confirmations, wide and on a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, BoardSubscription, Member } from '../../src/lib/shared';
import {
	expectNoSeriousViolations,
	leave,
	memberRow,
	signedInAs,
	startE2E,
	type E2E
} from '../support/e2e';
import { setUpProject } from '../support/sync';

let e2e: E2E;
const USERS = '/projects/p1/settings/users';

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
	// Aurora's weekly digest of Loans goes to Ada and Nia.
	const now = Date.now();
	const stamps = { createdBy: 'ada', createdAt: now, updatedBy: 'ada', updatedAt: now };
	const board: Board = { id: 'loans', ...stamps, name: 'Loans', description: '', reports: [] };
	const subscription: BoardSubscription = {
		id: 's-loans',
		...stamps,
		boardId: 'loans',
		cadence: 'weekly',
		recipients: ['ada@example.org', 'nia@example.org'],
		paused: false
	};
	e2e.server.app.registry.change('view/p1/iz-aurora', (roots) => {
		roots.boards.set(board.id, board);
		roots.subscriptions.set(subscription.id, subscription);
	});
});

afterAll(() => e2e.close());

const niaOnServer = () =>
	e2e.server.app.registry.read('project/p1', (document) => document.root('members').get('nia')) as
		Member | undefined;

describe('the preview of a change on Project Users', () => {
	it('shows what a role change takes before it applies, then the change lands', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await memberRow(ada.page, 'Name of nia').waitFor();
		await ada.page.getByRole('button', { name: /^Role of Name of nia:/ }).click();
		await ada.page.getByRole('menuitemradio', { name: /^Consumer/ }).click();

		const dialog = ada.page.getByRole('dialog', { name: 'Make Name of nia Consumer?' });
		const losses = dialog.getByRole('region', { name: 'Name of nia loses' });
		await expect.poll(() => losses.textContent()).toContain('Create Subscriptions for Boards');
		expect(await losses.textContent()).toContain('Create/Edit Custom Events (shared ones)');
		// The server answered: a Consumer of every view still receives Aurora's digest.
		await expect
			.poll(() => dialog.textContent())
			.not.toContain('Checking which subscriptions would stop');
		expect(await dialog.textContent()).not.toContain('subscription stops');
		// Quick to confirm; nothing written yet.
		expect(await ada.page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).toBe(
			'Change role'
		);
		expect(niaOnServer()?.role).toBe('analyst');
		await expectNoSeriousViolations(ada.page, 'the role change confirmation at 1280px');

		await ada.page.keyboard.press('Enter');
		await expect.poll(() => niaOnServer()?.role).toBe('consumer');
		await expect.poll(() => memberRow(ada.page, 'Name of nia').textContent()).toContain('Consumer');
		await leave(ada);
	});

	it('names the subscriptions that stop when a member loses a data view, from the server', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await ada.page
			.getByRole('button', { name: 'Data views of Name of nia: All data views' })
			.click();
		const dialog = ada.page.getByRole('dialog', { name: 'Data views of Name of nia' });
		await dialog.getByRole('radio', { name: 'Only these:' }).check();
		await dialog.getByRole('checkbox', { name: /all institutions/ }).check();
		const losses = dialog.getByRole('region', { name: 'Name of nia loses' });
		await expect
			.poll(() => losses.textContent())
			.toMatch(/1 subscription stops reaching them:\s*the weekly digest of Loans \(Aurora\)/);
		expect(await losses.textContent()).toMatch(/Data views:\s*Aurora, Borealis/);
		expect(niaOnServer()?.scope).toBe('all');
		await expectNoSeriousViolations(ada.page, 'the data views dialog at 1280px');

		await dialog.getByRole('button', { name: 'Change data views' }).click();
		await expect.poll(() => niaOnServer()?.scope).toEqual(['global']);
		await expect
			.poll(() => memberRow(ada.page, 'Name of nia').textContent())
			.toContain('Office (all institutions)');
		await leave(ada);
	});

	it('previews a removal on a phone, starting on Cancel', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS, { width: 390, height: 844 });
		await ada.page.getByRole('button', { name: 'Remove Name of ned' }).click();
		const dialog = ada.page.getByRole('dialog', { name: 'Remove Name of ned?' });
		await expect
			.poll(() => dialog.getByRole('region', { name: 'Name of ned loses' }).textContent())
			.toContain('Create and View Boards');
		expect(await ada.page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).toBe(
			'Cancel'
		);
		await expectNoSeriousViolations(ada.page, 'the removal confirmation at 390×844');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect.poll(() => dialog.count()).toBe(0);
		await leave(ada);
	});
});
