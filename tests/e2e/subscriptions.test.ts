/**
 * Board subscriptions in Chromium: "Subscribe" on a board's page; recipients chosen by name among
 * the people who may read the data view, an outside address refused with the reason; the list
 * shows the board's name and the recipients' names, never ids; every disabled action says why,
 * on the board's page as in the data view; no serious accessibility problem on a desktop or a
 * phone.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';

const BOARD = '8c1e4b2a-5d3f-4a6e-9b7c-0e2d4f6a8b1c';
const BOARD_PAGE = `/projects/p1/views/global/boards/${BOARD}`;
const SUBSCRIPTIONS = '/projects/p1/views/global?section=subscriptions';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
	const now = Date.now();
	e2e.server.app.registry.change('view/p1/global', (roots) =>
		roots.boards.set(BOARD, {
			id: BOARD,
			createdBy: 'nia',
			createdAt: now,
			updatedBy: 'nia',
			updatedAt: now,
			name: 'Loans',
			description: '',
			reports: [{ id: 'r1', title: 'Loans per branch', kind: 'insights', query: '' }]
		})
	);
});

afterAll(() => e2e.close());

/** What a control's accessible description says (the reason a disabled action gives). */
function descriptionOf(control: Locator): Promise<string> {
	return control.evaluate((element) =>
		(element.getAttribute('aria-describedby') ?? '')
			.split(' ')
			.filter(Boolean)
			.map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
			.join(' ')
	);
}

function subscriptionList(page: Page): Locator {
	return page.getByRole('list', { name: 'Subscriptions' });
}

describe('board subscriptions, in Chromium', () => {
	it('subscribes from the board’s page, by name, and refuses an address that may not read the view', async () => {
		const nia = await signedInAs(e2e, 'nia', BOARD_PAGE);
		await nia.page.getByRole('heading', { level: 1, name: 'Loans' }).waitFor();
		await nia.page.getByRole('button', { name: 'Subscribe' }).click();
		const dialog = nia.page.getByRole('dialog', { name: 'Subscribe' });
		// The subscriber is a recipient to begin with, by name.
		await expect
			.poll(() => dialog.getByRole('list', { name: 'Chosen recipients' }).innerText())
			.toContain('Name of nia (you)');
		const search = dialog.getByLabel('Add a person');
		await search.fill('someone@mail.example.com');
		await expect
			.poll(() => dialog.innerText())
			.toContain(
				'someone@mail.example.com is not a member of Analytics, so cannot receive boards of the Office (all institutions) data view.'
			);
		// Ian works in Aurora's view only: not offered, and his address is refused by name.
		await search.fill('ian@example.org');
		await expect
			.poll(() => dialog.innerText())
			.toContain('Name of ian cannot read the Office (all institutions) data view');
		await search.fill('ada');
		await dialog.getByRole('button', { name: /Name of ada/ }).click();
		await dialog.getByRole('radio', { name: 'Monthly' }).check();
		await dialog.getByRole('button', { name: 'Subscribe' }).click();

		const list = subscriptionList(nia.page);
		await expect.poll(() => list.innerText()).toContain('Monthly to you and Name of ada');
		expect(await list.innerText()).not.toMatch(UUID);
		// The data view's list names the board.
		await nia.page.goto(`${e2e.server.url}${SUBSCRIPTIONS}`);
		await expect
			.poll(() => subscriptionList(nia.page).innerText())
			.toMatch(/Loans\s+Monthly to you and Name of ada/);
		expect(await subscriptionList(nia.page).innerText()).not.toMatch(UUID);
		await expectNoSeriousViolations(nia.page, 'subscriptions, desktop');
		await leave(nia);
	});

	it('says why each action is unavailable, and why a Project Admin may end what only its creator changes', async () => {
		const ada = await signedInAs(e2e, 'ada', SUBSCRIPTIONS);
		const list = subscriptionList(ada.page);
		await expect.poll(() => list.innerText()).toContain('Monthly to Name of nia and you');
		const edit = list.getByRole('button', { name: 'Edit the subscription to Loans' });
		const end = list.getByRole('button', { name: 'End the subscription to Loans' });
		expect(await edit.getAttribute('aria-disabled')).toBe('true');
		expect(await descriptionOf(edit)).toBe('Only the creator of a subscription can change it.');
		expect(await end.getAttribute('aria-disabled')).toBeNull();
		expect(await descriptionOf(end)).toBe(
			'Only Name of nia can change it; as a Project Admin you can end it.'
		);
		// The same rule on the board's page.
		await ada.page.goto(`${e2e.server.url}${BOARD_PAGE}`);
		const onBoard = subscriptionList(ada.page);
		await expect.poll(() => onBoard.innerText()).toContain('Monthly to Name of nia and you');
		expect(
			await onBoard
				.getByRole('button', { name: 'Edit the subscription to Loans' })
				.getAttribute('aria-disabled')
		).toBe('true');
		await leave(ada);

		const ned = await signedInAs(e2e, 'ned', BOARD_PAGE);
		const subscribe = ned.page.getByRole('button', { name: 'Subscribe' });
		await subscribe.waitFor();
		expect(await subscribe.getAttribute('aria-disabled')).toBe('true');
		expect(await descriptionOf(subscribe)).toBe(
			'Consumers cannot create subscriptions for boards.'
		);
		const nedEnd = subscriptionList(ned.page).getByRole('button', {
			name: 'End the subscription to Loans'
		});
		expect(await nedEnd.getAttribute('aria-disabled')).toBe('true');
		expect(await descriptionOf(nedEnd)).not.toBe('');
		await leave(ned);
	});

	it('fits a phone, with nothing serious for assistive technology', async () => {
		const nia = await signedInAs(e2e, 'nia', BOARD_PAGE, { width: 390, height: 844 });
		await expect
			.poll(() => subscriptionList(nia.page).innerText())
			.toContain('Monthly to you and Name of ada');
		await expectNoSeriousViolations(nia.page, 'board, 390x844');
		await nia.page.getByRole('button', { name: 'Subscribe' }).click();
		await nia.page.getByRole('dialog', { name: 'Subscribe' }).waitFor();
		await expectNoSeriousViolations(nia.page, 'subscribe dialog, 390x844');
		await nia.page.keyboard.press('Escape');
		await nia.page.goto(`${e2e.server.url}${SUBSCRIPTIONS}`);
		await expect
			.poll(() => subscriptionList(nia.page).innerText())
			.toContain('Monthly to you and Name of ada');
		await expectNoSeriousViolations(nia.page, 'subscriptions, 390x844');
		await leave(nia);
	});

	it('ends a subscription only once the Project Admin confirms, focus back where it was on Cancel', async () => {
		const ada = await signedInAs(e2e, 'ada', SUBSCRIPTIONS);
		const list = subscriptionList(ada.page);
		await expect.poll(() => list.innerText()).toContain('Monthly to Name of nia and you');
		const end = list.getByRole('button', { name: 'End the subscription to Loans' });
		await end.click();
		const confirm = ada.page.getByRole('dialog', { name: 'End this subscription?' });
		await expect
			.poll(() => confirm.innerText())
			.toContain('Loans will no longer be sent to Name of nia and you.');
		await confirm.getByRole('button', { name: 'Cancel' }).click();
		await confirm.waitFor({ state: 'detached' });
		expect(await end.evaluate((element) => element === document.activeElement)).toBe(true);
		expect(await list.innerText()).toContain('Monthly to Name of nia and you');

		await end.click();
		await confirm.getByRole('button', { name: 'End subscription' }).click();
		await ada.page.getByText('No subscriptions yet').waitFor();
		await leave(ada);
	});
});
