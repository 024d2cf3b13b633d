/**
 * Issue 14, finding 8: Invited Users kept accepted invitations, and counted them; after Resend
 * Invitation the first mail's link said "not valid … open the whole link" instead of saying that a
 * newer invitation replaced it. Here an accepted invitation leaves the list and its count, and the
 * first link says what happened to it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount } from '../support/auth';
import { leave, memberRow, signedInAs, startE2E, type E2E } from '../support/e2e';
import { extractLink } from '../support/smtp';
import { setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';

function invitedTab(page: Page) {
	return page.getByRole('tab', { name: /Invited Users/ });
}

async function inviteOne(page: Page, email: string, role: RegExp): Promise<void> {
	await page.getByRole('button', { name: 'Invite Users' }).click();
	const dialog = page.getByRole('dialog', { name: 'Invite Users' });
	await dialog.getByLabel('Email addresses').fill(`${email} `);
	await dialog.getByRole('radio', { name: role }).check();
	await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
	await expect.poll(() => dialog.isVisible()).toBe(false);
}

describe('Invited Users in Chromium', () => {
	it('says a resent invitation’s first link was replaced, and lets the accepted one leave the list', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await inviteOne(ada.page, 'ann@aurora.example.edu', /Analyst/);
		const first = extractLink(await e2e.smtp.nextMessageTo('ann@aurora.example.edu'), '/invite');
		await invitedTab(ada.page).click();
		const row = ada.page.getByRole('row').filter({ hasText: 'ann@aurora.example.edu' });
		await expect.poll(() => row.textContent()).toContain('Sent');
		await expect.poll(() => invitedTab(ada.page).textContent()).toMatch(/Invited Users\s*1$/);

		await row.getByRole('button', { name: /Resend Invitation/ }).click();
		const second = extractLink(await e2e.smtp.nextMessageTo('ann@aurora.example.edu'), '/invite');

		const visitor = await e2e.browser.newContext();
		const page = await visitor.newPage();
		await page.goto(first);
		const heading = page.getByRole('heading', { level: 1 });
		await expect.poll(() => heading.textContent()).toBe('A newer invitation replaced this one');
		const said = await page.locator('main').textContent();
		expect(said).toContain('Open the Accept Invite link in the newest invitation email.');
		expect(said).not.toContain('not valid');
		expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);

		await page.goto('about:blank');
		await page.goto(second);
		await page.getByRole('button', { name: 'Accept Invite' }).click();
		await page.getByLabel(/name/i).first().fill('Ann Aurora');
		await page.getByRole('button', { name: /Get Started/ }).click();
		await page.waitForURL(/\/projects\/p1/);

		await expect.poll(() => row.count()).toBe(0);
		await expect.poll(() => invitedTab(ada.page).textContent()).toMatch(/Invited Users\s*0$/);
		expect(await ada.page.getByText('No pending invitations').isVisible()).toBe(true);
		await ada.page.getByRole('tab', { name: /^Users/ }).click();
		await expect.poll(() => memberRow(ada.page, 'Ann Aurora').isVisible()).toBe(true);

		// The first link, once the invitation is accepted, says so.
		await page.goto('about:blank');
		await page.goto(first);
		await expect.poll(() => heading.textContent()).toBe('This invitation was already accepted');
		await visitor.close();
		await leave(ada);
	});

	it('never lists or counts a person added at once because they had an account', async () => {
		await createTestAccount(e2e.server, { email: 'bo@borealis.example.edu', name: 'Bo Borealis' });
		const ada = await signedInAs(e2e, 'ada', USERS);
		const counted = async () =>
			Number((await invitedTab(ada.page).textContent())?.match(/(\d+)$/)?.[1] ?? NaN);
		await expect.poll(counted).not.toBeNaN();
		const before = await counted();
		await inviteOne(ada.page, 'bo@borealis.example.edu', /Consumer/);
		await ada.page.getByRole('tab', { name: /^Users/ }).click();
		await expect.poll(() => memberRow(ada.page, 'Bo Borealis').isVisible()).toBe(true);
		expect(await counted()).toBe(before);
		await expect
			.poll(() =>
				ada.page.getByText('Added 1 person who already had an account to Analytics.').isVisible()
			)
			.toBe(true);
		await invitedTab(ada.page).click();
		expect(
			await ada.page.getByRole('row').filter({ hasText: 'bo@borealis.example.edu' }).count()
		).toBe(0);
		await leave(ada);
	});
});
