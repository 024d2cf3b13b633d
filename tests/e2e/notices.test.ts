/**
 * The console tells the truth, in Chromium: a notice appears only for what happened, names the
 * people and the entry, says what to do and leaves when read; the sync indicator counts changes
 * not saved and claims nothing saved before the first sync; a person is told what another did to
 * them (demoted, removed, moved out of a data view), online or on reconnect. The people things
 * happen to are below Admin: a Project Admin cannot demote or remove another (`admin-protected`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../src/lib/shared';
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
import { SyncClient, setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'cy', role: 'analyst', zone: 'nz' },
		{ accountId: 'dee', role: 'analyst', zone: 'nz' },
		{ accountId: 'eve', role: 'analyst', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'fay', role: 'analyst', zone: 'nz' }
	]);
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';
const VIEW = '/projects/p1/views/global';

const notices = (page: Page) => page.getByRole('region', { name: 'Notifications' });
const noticesText = (page: Page) => notices(page).innerText();
const indicator = (page: Page) =>
	page.getByRole('status').filter({ hasText: /(Online|Offline|Syncing) — / });
const said = async (page: Page) => (await indicator(page).textContent())?.trim();

async function chooseRole(page: Page, memberName: string, role: string): Promise<void> {
	await page.getByRole('button', { name: new RegExp(`^Role of ${memberName}:`) }).click();
	await page.getByRole('menuitemradio', { name: new RegExp(`^${role}`) }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
}

async function remove(page: Page, memberName: string): Promise<void> {
	await page.getByRole('button', { name: `Remove ${memberName}` }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
}

/** Creates an entry in a section of the data view's workspace, through its dialog. */
async function create(
	page: Page,
	section: string,
	button: string,
	fields: Record<string, string>
): Promise<void> {
	await page
		.getByRole('navigation', { name: 'Workspace' })
		.getByRole('link', { name: section })
		.click();
	await page.getByRole('button', { name: button }).click();
	const dialog = page.getByRole('dialog', { name: button });
	for (const [label, value] of Object.entries(fields))
		await dialog.getByLabel(label, { exact: true }).fill(value);
	await dialog.getByRole('button', { name: 'Save' }).click();
	await expect.poll(() => dialog.isVisible()).toBe(false);
}

async function goOffline(person: Person): Promise<void> {
	await untilAvailableOffline(person.page);
	await person.context.setOffline(true);
	await expect.poll(() => said(person.page)).toMatch(/^Offline/);
}

/** Bo, another Project Admin, in a browser of his own, on Project Users. */
async function bo(): Promise<Person> {
	const person = await signedInAs(e2e, 'bo', USERS);
	await expect.poll(() => memberRow(person.page, 'Name of nia').isVisible()).toBe(true);
	return person;
}

describe('notices that are true and leave', () => {
	it('tells an admin alone who invites and resends nothing false, collapses repeats, and lets confirmations go', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await expect.poll(() => said(ada.page)).toBe('Online — all changes saved');
		await ada.page.getByRole('button', { name: 'Invite Users' }).click();
		const dialog = ada.page.getByRole('dialog', { name: 'Invite Users' });
		await dialog.getByLabel('Email addresses').fill('new.person@office.example.org ');
		await dialog.getByRole('radio', { name: /Analyst/ }).check();
		await expect.poll(() => dialog.getByRole('status').textContent()).toContain('1 Office Analyst');
		await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
		await expect.poll(() => noticesText(ada.page)).toContain('Sent 1 invitation.');
		// Read and dismissed: gone at once.
		await notices(ada.page).getByRole('button', { name: 'Dismiss' }).click();
		await expect.poll(() => noticesText(ada.page)).toBe('');

		const resend = ada.page.getByRole('button', {
			name: 'Resend Invitation to new.person@office.example.org'
		});
		await resend.click();
		await resend.click();
		await expect
			.poll(() => noticesText(ada.page))
			.toContain('The invitation will be sent again with a new link. (2 times)');
		expect(await notices(ada.page).locator('.notice').count()).toBe(1);
		expect(await noticesText(ada.page)).not.toMatch(/replaced|same time/i);
		// A plain confirmation leaves by itself; nothing false came in the meantime.
		await expect.poll(() => noticesText(ada.page), { timeout: 12_000 }).toBe('');
		await expect.poll(() => said(ada.page)).toBe('Online — all changes saved');
		await leave(ada);
	});
});

describe('changes made offline and refused on reconnect', () => {
	it('counts them in the indicator and names each, the demotion that refused them, who did it and when', async () => {
		const cy = await signedInAs(e2e, 'cy', `${VIEW}?section=customEvents`);
		await expect
			.poll(() => cy.page.getByRole('button', { name: 'Create custom event' }).isEnabled())
			.toBe(true);
		const other = await bo();
		await goOffline(cy);
		await create(cy.page, 'Custom Events', 'Create custom event', {
			Name: 'Late returns',
			'Events it combines': 'loan\nreturn'
		});
		await create(cy.page, 'User Profiles', 'Create user profile', {
			'Distinct id': 'reader-42',
			'Name (optional)': 'Reader 42'
		});
		await expect
			.poll(() => noticesText(cy.page))
			.toContain(
				'The user profile was saved. It is on this device for now, and goes to the server when you are back online.'
			);
		await expect.poll(() => said(cy.page)).toBe('Offline — 2 changes waiting');

		await chooseRole(other.page, 'Name of cy', 'Consumer');
		await expect
			.poll(() => memberRow(other.page, 'Name of cy').textContent())
			.toContain('Consumer');
		await cy.context.setOffline(false);

		await expect
			.poll(() => said(cy.page), { timeout: 20_000 })
			.toBe('Online — 2 changes not saved');
		const text = await noticesText(cy.page);
		expect(text).toContain(
			'Not saved: Creating the custom event “Late returns”. Name of bo made you Consumer in Analytics on'
		);
		expect(text).toContain(
			'Not saved: Creating the user profile “Reader 42”. Name of bo made you Consumer in Analytics on'
		);
		expect(text).toContain('Ask a Project Admin if the change is still needed.');
		await expect
			.poll(() => noticesText(cy.page))
			.toContain(
				'Your role changed: Name of bo changed your role in Analytics from Analyst to Consumer. You can view reports and boards, but no longer change shared data.'
			);
		// What the server refused is gone from the workspace too.
		await expect.poll(() => cy.page.getByText('No user profiles yet').isVisible()).toBe(true);
		await expectNoSeriousViolations(cy.page, 'refused changes');

		// Seen and dismissed, they are no longer counted.
		const refusals = notices(cy.page).getByRole('alert').getByRole('button', { name: 'Dismiss' });
		await refusals.first().click();
		await expect.poll(() => said(cy.page)).toBe('Online — 1 change not saved');
		await refusals.first().click();
		await expect.poll(() => said(cy.page)).toBe('Online — all changes saved');
		await leave(cy);
		await leave(other);
	});

	it('counts the changes that went with the project when the person was removed meanwhile, and says who removed them', async () => {
		const eve = await signedInAs(e2e, 'eve', `${VIEW}?section=boards`);
		await expect
			.poll(() => eve.page.getByRole('button', { name: 'Create board' }).isEnabled())
			.toBe(true);
		const other = await bo();
		await goOffline(eve);
		await create(eve.page, 'Boards', 'Create board', { Name: 'Overdue loans' });
		await expect.poll(() => said(eve.page)).toBe('Offline — 1 change waiting');

		await remove(other.page, 'Name of eve');
		await expect.poll(() => memberRow(other.page, 'Name of eve').count()).toBe(0);
		await eve.context.setOffline(false);

		await expect
			.poll(() => said(eve.page), { timeout: 20_000 })
			.toBe('Online — 1 change not saved');
		await expect
			.poll(() => noticesText(eve.page))
			.toContain(
				'Not saved: A change you made in the data view Office (all institutions) of Analytics had not reached the server, and you no longer have access there.'
			);
		await expect
			.poll(() => noticesText(eve.page))
			.toContain('Removed from a project: Name of bo removed you from Analytics.');
		expect(await noticesText(eve.page)).not.toContain('Access removed');
		const boards = e2e.server.app.registry.read('view/p1/global', (document) => [
			...document.root('boards').values()
		]);
		expect(boards).toEqual([]);
		await leave(eve);
		await leave(other);
	});
});

describe('a person is told what happened to them', () => {
	it('tells a member, online, that an admin demoted and then removed them, by whom, and mails them', async () => {
		const dee = await signedInAs(e2e, 'dee', USERS);
		await expect.poll(() => memberRow(dee.page, 'Name of dee').isVisible()).toBe(true);
		const other = await bo();

		await chooseRole(other.page, 'Name of dee', 'Consumer');
		await expect
			.poll(() => noticesText(dee.page))
			.toContain(
				'Your role changed: Name of bo changed your role in Analytics from Analyst to Consumer. You can view reports and boards, but no longer change shared data.'
			);
		expect((await e2e.smtp.nextMessageTo('dee@example.org')).subject).toBe(
			'Your role in Analytics is now Consumer'
		);

		await remove(other.page, 'Name of dee');
		await expect
			.poll(() => noticesText(dee.page))
			.toContain('Removed from a project: Name of bo removed you from Analytics.');
		expect(await noticesText(dee.page)).not.toContain('Access removed');
		expect((await e2e.smtp.nextMessageTo('dee@example.org')).subject).toBe(
			'You were removed from Analytics'
		);
		await leave(dee);
		await leave(other);
	});

	it('tells a member moved out of the data view they are in who did it, instead of a bare “access removed”', async () => {
		const fay = await signedInAs(e2e, 'fay', '/projects/p1/views/global');
		await expect
			.poll(() => fay.page.getByRole('heading', { name: 'Office (all institutions)' }).isVisible())
			.toBe(true);
		const other = new SyncClient(e2e.server, 'bo', 'project/p1');
		await other.synced();
		other.setMember('fay', { scope: ['iz-aurora'] } as Partial<Member>);

		await expect
			.poll(() => noticesText(fay.page))
			.toContain(
				'Your data views changed: Name of bo changed your data views in Analytics. You no longer see the data views Office (all institutions) and Borealis.'
			);
		expect(await noticesText(fay.page)).not.toContain('Access removed');
		other.destroy();
		await leave(fay);
	});
});

describe('the first sync after sign-in', () => {
	it('claims no change saved before the server has answered', async () => {
		const person = await signedInAs(e2e, 'nia', '/settings/personal');
		await person.page.goto('about:blank');
		// Hold every answer of the sync server until the page has been looked at.
		let release: () => void = () => {};
		const released = new Promise<void>((resolve) => (release = resolve));
		await person.context.routeWebSocket(/\/sync/, (socket) => {
			const server = socket.connectToServer();
			server.onMessage((message) => void released.then(() => socket.send(message)));
		});
		await person.page.goto(`${e2e.server.url}${USERS}`);
		await expect.poll(() => indicator(person.page).count()).toBe(1);
		const shown: string[] = [];
		for (let look = 0; look < 10; look++) {
			shown.push((await said(person.page)) ?? '');
			await person.page.waitForTimeout(100);
		}
		expect(shown.filter((text) => /saved/.test(text))).toEqual([]);
		expect(shown).toContain('Syncing — getting the latest');
		release();
		await expect
			.poll(() => said(person.page), { timeout: 15_000 })
			.toBe('Online — all changes saved');
		await leave(person);
	});
});
