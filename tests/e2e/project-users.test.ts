import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpProject } from '../support/sync';
import {
	expectNoSeriousViolations,
	leave,
	memberRow,
	signedInAs,
	startE2E,
	untilAvailableOffline,
	type E2E,
	type Person
} from '../support/e2e';
import { extractLink } from '../support/smtp';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';

async function chooseRole(page: Page, memberName: string, role: string): Promise<void> {
	await page.getByRole('button', { name: new RegExp(`^Role of ${memberName}:`) }).click();
	await page.getByRole('menuitemradio', { name: new RegExp(`^${role}`) }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
}

/** Takes the person's browser offline, changes a role there, and sees it counted as waiting. */
async function changeRoleOffline(person: Person, memberName: string, role: string): Promise<void> {
	await person.context.setOffline(true);
	await expect
		.poll(() =>
			person.page
				.getByRole('status')
				.filter({ hasText: /Offline/ })
				.count()
		)
		.toBeGreaterThan(0);
	await chooseRole(person.page, memberName, role);
	await expect
		.poll(() => person.page.getByText(/Offline — 1 change waiting/).isVisible())
		.toBe(true);
}

/** Brings the person back online: the other admin sees the change, and nothing is left waiting. */
async function backOnlineUntilSeen(
	person: Person,
	other: Person,
	memberName: string,
	role: string
): Promise<void> {
	await person.context.setOffline(false);
	await expect
		.poll(() => memberRow(other.page, memberName).textContent(), { timeout: 20_000 })
		.toContain(role);
	await expect
		.poll(() => person.page.getByText(/Online — all changes saved/).isVisible(), {
			timeout: 20_000
		})
		.toBe(true);
}

describe('Project Users in Chromium', () => {
	it('lets two admins in two browsers see each other’s change live', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const bo = await signedInAs(e2e, 'bo', USERS);
		await expect.poll(() => memberRow(bo.page, 'Name of nia').isVisible()).toBe(true);

		await chooseRole(ada.page, 'Name of nia', 'Consumer');
		await expect.poll(() => memberRow(bo.page, 'Name of nia').textContent()).toContain('Consumer');
		await chooseRole(bo.page, 'Name of nia', 'Analyst');
		await expect.poll(() => memberRow(ada.page, 'Name of nia').textContent()).toContain('Analyst');
		await leave(ada);
		await leave(bo);
	});

	it('keeps a change made offline across an offline reload, and confirms it once back online', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const bo = await signedInAs(e2e, 'bo', USERS);
		await expect.poll(() => memberRow(ada.page, 'Name of ned').isVisible()).toBe(true);
		await untilAvailableOffline(ada.page);

		await changeRoleOffline(ada, 'Name of ned', 'Analyst');

		await ada.page.reload();
		await expect
			.poll(() => memberRow(ada.page, 'Name of ned').textContent(), { timeout: 15_000 })
			.toContain('Analyst');
		await expect.poll(() => ada.page.getByText(/1 change waiting/).isVisible()).toBe(true);
		expect(await memberRow(bo.page, 'Name of ned').textContent()).toContain('Consumer');

		await backOnlineUntilSeen(ada, bo, 'Name of ned', 'Analyst');
		await leave(ada);
		await leave(bo);
	});

	it('sends a change made offline once back online, though the person has left the project', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const bo = await signedInAs(e2e, 'bo', USERS);
		await expect.poll(() => memberRow(ada.page, 'Name of nia').isVisible()).toBe(true);
		await expect.poll(() => memberRow(bo.page, 'Name of nia').isVisible()).toBe(true);
		// Personal Settings opens offline from the service worker's copy of the app.
		await untilAvailableOffline(ada.page);

		await changeRoleOffline(ada, 'Name of nia', 'Consumer');

		await ada.page.getByRole('button', { name: 'Settings' }).click();
		await ada.page.getByRole('menuitem', { name: 'Personal Settings' }).click();
		await ada.page.waitForURL(/\/settings\/personal$/);
		await expect
			.poll(() => ada.page.getByText(/Offline — 1 change waiting/).isVisible())
			.toBe(true);

		await backOnlineUntilSeen(ada, bo, 'Name of nia', 'Consumer');
		expect(new URL(ada.page.url()).pathname).toBe('/settings/personal');

		await chooseRole(bo.page, 'Name of nia', 'Analyst');
		await expect.poll(() => memberRow(bo.page, 'Name of nia').textContent()).toContain('Analyst');
		await leave(ada);
		await leave(bo);
	});

	it('deletes every offline copy of the account at sign-out, also of projects not open', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await expect.poll(() => memberRow(ada.page, 'Name of nia').isVisible()).toBe(true);
		const ours = () =>
			ada.page.evaluate(async () =>
				(await indexedDB.databases())
					.map((database) => database.name ?? '')
					.filter((name) => name.startsWith('console:ada:'))
					.sort()
			);
		await expect.poll(ours).toEqual(['console:ada:project/p1', 'console:ada:user/ada']);

		// Personal Settings: the project is no longer open, its copy stays on the device.
		await ada.page.getByRole('button', { name: 'Settings' }).click();
		await ada.page.getByRole('menuitem', { name: 'Personal Settings' }).click();
		await ada.page.waitForURL(/\/settings\/personal$/);
		await ada.page.getByRole('button', { name: 'Settings' }).click();
		await ada.page.getByRole('menuitem', { name: 'Sign out' }).click();
		await ada.page.waitForURL(/\/sign-in/);
		await expect.poll(ours).toEqual([]);
		await leave(ada);
	});

	it('shows who else is on the page', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const bo = await signedInAs(e2e, 'bo', USERS);
		const presence = ada.page.getByRole('list', { name: /Here now/ });
		// The list is not there at all when nobody else is: read it only when it is.
		const here = async () => ((await presence.count()) > 0 ? await presence.textContent() : '');
		await expect.poll(here).toContain('Name of bo');
		await leave(bo);
		await expect.poll(here).not.toContain('Name of bo');
		await leave(ada);
	});

	it('tells a removed member, and deletes the project from their browser', async () => {
		const ned = await signedInAs(e2e, 'ned', USERS);
		await expect.poll(() => memberRow(ned.page, 'Name of ned').isVisible()).toBe(true);
		const databases = () =>
			ned.page.evaluate(async () =>
				(await indexedDB.databases()).map((database) => database.name ?? '')
			);
		await expect
			.poll(async () => (await databases()).some((name) => name.endsWith(':project/p1')))
			.toBe(true);

		e2e.server.app.registry.change('project/p1', (roots) => roots.members.delete('ned'));
		// The server's news names who removed them; it takes the place of a general "access removed".
		await expect
			.poll(() => ned.page.getByText(/operators removed you from Analytics/).isVisible())
			.toBe(true);
		await expect
			.poll(async () => (await databases()).some((name) => name.endsWith(':project/p1')))
			.toBe(false);
		await leave(ned);
	});

	it('never lets an Institution Zone user be made Project Admin, and says why', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await ada.page.getByRole('button', { name: /^Role of Name of ian:/ }).click();
		const admin = ada.page.getByRole('menuitemradio', { name: /^Project Admin/ });
		await expect.poll(() => admin.getAttribute('aria-disabled')).toBe('true');
		expect(await admin.textContent()).toContain(
			'Institution Zone users cannot be Project Admin in this consortium'
		);
		await leave(ada);

		const ian = await signedInAs(e2e, 'ian', USERS);
		// Ian may step down, but not up.
		await ian.page.getByRole('button', { name: /^Role of Name of ian:/ }).click();
		const up = ian.page.getByRole('menuitemradio', { name: /^Project Admin/ });
		await expect.poll(() => up.getAttribute('aria-disabled')).toBe('true');
		await ian.page.keyboard.press('Escape');
		const someoneElse = ian.page.getByRole('button', { name: /^Role of Name of nia:/ });
		await expect.poll(() => someoneElse.getAttribute('aria-disabled')).toBe('true');
		const invite = ian.page.getByRole('button', { name: 'Invite Users' });
		await expect.poll(() => invite.getAttribute('aria-disabled')).toBe('true');
		await leave(ian);
	});

	it('has no serious accessibility violations on its pages', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await expect.poll(() => memberRow(ada.page, 'Name of nia').isVisible()).toBe(true);
		await expectNoSeriousViolations(ada.page, 'Users');
		await ada.page.getByRole('tab', { name: /Invited Users/ }).click();
		await expectNoSeriousViolations(ada.page, 'Invited Users');
		await ada.page.getByRole('button', { name: 'Invite Users' }).click();
		await expectNoSeriousViolations(ada.page, 'Invite Users');
		for (const path of ['/settings/personal', '/help/permissions']) {
			await ada.page.goto(`${e2e.server.url}${path}`);
			await ada.page.getByRole('heading', { level: 1 }).waitFor();
			await expectNoSeriousViolations(ada.page, path);
		}
		await leave(ada);
		const visitor = await e2e.browser.newContext();
		const page = await visitor.newPage();
		for (const path of ['/sign-in', '/invite#token=not-a-real-token', '/reset-password']) {
			await page.goto(`${e2e.server.url}${path}`);
			await page.getByRole('heading', { level: 1 }).waitFor();
			await expectNoSeriousViolations(page, path);
		}
		await visitor.close();
	});
});

describe('the invitation flow in Chromium', () => {
	it('invites by email, and the invitee accepts, gets started and appears live on the admin’s screen', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await ada.page.getByRole('button', { name: 'Invite Users' }).click();
		const dialog = ada.page.getByRole('dialog');
		await dialog.getByLabel('Email addresses').fill('newcomer@example.org ');
		await dialog
			.getByRole('combobox', { name: 'Zone for newcomer@example.org' })
			.selectOption({ label: 'Office (Network Zone)' });
		await dialog.getByRole('radio', { name: /Analyst/ }).check();
		await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
		await expect
			.poll(() =>
				ada.page.getByRole('tab', { name: /Invited Users/ }).getAttribute('aria-selected')
			)
			.toBe('true');

		const mail = await e2e.smtp.nextMessageTo('newcomer@example.org');
		const link = extractLink(mail, '/invite');
		const invitedRow = ada.page.getByRole('row').filter({ hasText: 'newcomer@example.org' });
		await expect.poll(() => invitedRow.textContent()).toContain('Sent');

		const visitor = await e2e.browser.newContext();
		const page = await visitor.newPage();
		await page.goto(link);
		await page.getByRole('button', { name: 'Accept Invite' }).click();
		await page.getByLabel(/name/i).first().fill('New Comer');
		await page.getByRole('button', { name: /Get Started/ }).click();
		// An Analyst lands where Analysts work: the project's data views (every one, for the office).
		await page.waitForURL(/\/projects\/p1\/views$/);
		await page.getByRole('link', { name: 'Project Users' }).click();
		await expect
			.poll(() => memberRow(page, 'New Comer').isVisible(), { timeout: 15_000 })
			.toBe(true);

		await ada.page.getByRole('tab', { name: /^Users/ }).click();
		await expect.poll(() => memberRow(ada.page, 'New Comer').isVisible()).toBe(true);
		const getStarted = await e2e.smtp.nextMessageTo('newcomer@example.org');
		expect(getStarted.subject).toMatch(/Get Started|sign in/i);
		await visitor.close();
		await leave(ada);
	});
});
