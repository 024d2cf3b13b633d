/**
 * Access that ends, in Chromium: a Project Admin invites someone with an end date, the invitee
 * reads it on Accept Invite, and the Users tab shows "Until …" beside them; the admin changes and
 * clears it from the member's row. axe on the Users tab, the end date dialog and Invite Users.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessUntil, daysInMs, endDay, endOfDay } from '../../src/lib/shared';
import {
	expectNoSeriousViolations,
	leave,
	memberRow,
	signedInAs,
	startE2E,
	type E2E
} from '../support/e2e';
import { extractLink } from '../support/smtp';
import { setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' }
	]);
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';

/** A day some weeks ahead, as a date field takes it, and as the Users tab says it. */
function dayAhead(days: number): { day: string; shown: string } {
	const day = endDay(Date.now() + daysInMs(days));
	return { day, shown: accessUntil(endOfDay(day)!) };
}

function accessButton(page: Page, name: string) {
	return page.getByRole('button', { name: new RegExp(`^Access of ${name}:`) });
}

describe('Access that ends in Chromium', () => {
	it('invites with an end date, shows “Until …” on the Users tab, and changes and clears it there', async () => {
		const summer = dayAhead(60);
		const ada = await signedInAs(e2e, 'ada', USERS);
		await ada.page.getByRole('button', { name: 'Invite Users' }).click();
		const dialog = ada.page.getByRole('dialog', { name: 'Invite Users' });
		await dialog.getByLabel('Email addresses').fill('sam.summer@aurora.example.edu ');
		await dialog.getByRole('radio', { name: /Consumer/ }).check();
		await dialog.getByLabel('Access ends (optional)').fill(summer.day);
		await expectNoSeriousViolations(ada.page, 'Invite Users with an end date');
		await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
		await expect.poll(() => dialog.isVisible()).toBe(false);

		await ada.page.getByRole('tab', { name: /Invited Users/ }).click();
		const invited = ada.page.getByRole('row').filter({ hasText: 'sam.summer@aurora.example.edu' });
		await expect.poll(() => invited.textContent()).toContain(summer.shown);

		const mail = await e2e.smtp.nextMessageTo('sam.summer@aurora.example.edu');
		expect(mail.text).toContain(`Your access lasts until ${summer.shown.replace('Until ', '')}.`);
		const visitor = await e2e.browser.newContext();
		const page = await visitor.newPage();
		await page.goto(extractLink(mail, '/invite'));
		await expect
			.poll(() => page.locator('main').textContent())
			.toContain(`Your access lasts until ${summer.shown.replace('Until ', '')}.`);
		await page.getByRole('button', { name: 'Accept Invite' }).click();
		await page.getByLabel(/name/i).first().fill('Sam Summer');
		await page.getByRole('button', { name: /Get Started/ }).click();
		await page.waitForURL(/\/projects\/p1/);
		await visitor.close();

		await ada.page.getByRole('tab', { name: /^Users/ }).click();
		await expect
			.poll(() => memberRow(ada.page, 'Sam Summer').textContent())
			.toContain(summer.shown);
		await expectNoSeriousViolations(ada.page, 'Users with an end date');

		const later = dayAhead(90);
		await accessButton(ada.page, 'Sam Summer').click();
		const endDialog = ada.page.getByRole('dialog', { name: 'When the access of Sam Summer ends' });
		const field = endDialog.getByLabel('Last day of access');
		expect(await field.inputValue()).toBe(summer.day);
		await field.fill(later.day);
		await expectNoSeriousViolations(ada.page, 'the end date dialog');
		await endDialog.getByRole('button', { name: 'Save' }).click();
		await expect.poll(() => endDialog.isVisible()).toBe(false);
		await expect.poll(() => memberRow(ada.page, 'Sam Summer').textContent()).toContain(later.shown);

		await accessButton(ada.page, 'Sam Summer').click();
		await endDialog.getByRole('button', { name: 'No end date' }).click();
		await expect
			.poll(() => accessButton(ada.page, 'Sam Summer').getAttribute('aria-label'))
			.toBe('Access of Sam Summer: No end date');

		// Another Project Admin's end date is not this admin's to set: the control says why.
		const bo = accessButton(ada.page, 'Name of bo');
		expect(await bo.getAttribute('aria-disabled')).toBe('true');
		expect(
			await ada.page.locator(`#${await bo.getAttribute('aria-describedby')}`).textContent()
		).toContain('A Project Admin cannot set an end date for another Project Admin');
		await leave(ada);
	});

	it('shows the end date in the cards of a small screen', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS, { width: 390, height: 844 });
		const ahead = dayAhead(30);
		await accessButton(ada.page, 'Sam Summer').click();
		const endDialog = ada.page.getByRole('dialog', { name: 'When the access of Sam Summer ends' });
		await endDialog.getByLabel('Last day of access').fill(ahead.day);
		await endDialog.getByRole('button', { name: 'Save' }).click();
		await expect.poll(() => memberRow(ada.page, 'Sam Summer').textContent()).toContain(ahead.shown);
		const box = await accessButton(ada.page, 'Sam Summer').boundingBox();
		expect(box!.x + box!.width).toBeLessThanOrEqual(390);
		await expectNoSeriousViolations(ada.page, 'Users at 390 px with an end date');
		await leave(ada);
	});
});
