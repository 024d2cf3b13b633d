import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { addZonePerson } from '../../server/consortium/zone-people';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';
import { signedIn } from '../support/workflows';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'institution-zone', [
		{ accountId: 'ava', role: 'admin', zone: 'aurora' },
		{ accountId: 'al', role: 'analyst', zone: 'aurora' }
	]);
	createAccount(e2e.server.app.authDb, {
		id: 'nadia',
		email: 'nadia@example.org',
		name: 'Nadia Network'
	});
	addZonePerson(e2e.server.app.db, 'nz', 'nadia', 'office', Date.now());
});

afterAll(() => e2e.close());

describe('requests in institution-zone management, in Chromium', () => {
	it('lets a Network Zone user ask to join; the library’s admin approves in another browser; the project appears in the drop-down', async () => {
		// Without a project, the start page shows the way to the directory (so does the top bar).
		const nadia = await signedInAs(e2e, 'nadia', '/');
		await expect
			.poll(() => nadia.page.getByText('You are not in any project yet').isVisible())
			.toBe(true);
		expect(
			await nadia.page
				.getByRole('banner')
				.getByRole('link', { name: 'Project directory' })
				.getAttribute('href')
		).toBe('/directory');
		await nadia.page.getByRole('main').getByRole('link', { name: 'Project directory' }).click();
		await nadia.page.waitForURL(/\/directory$/);
		await expect.poll(() => nadia.page.getByText('No projects yet').isVisible()).toBe(true);
		await nadia.page.getByRole('button', { name: 'Ask to join' }).click();
		const dialog = nadia.page.getByRole('dialog');
		await dialog.getByRole('radio', { name: /Analyst/ }).check();
		await dialog.getByLabel(/Message to the library/).fill('For the consortium report.');
		await dialog.getByRole('button', { name: 'Send request' }).click();
		await expect
			.poll(() =>
				nadia.page
					.getByText(/You asked to join Analytics as Analyst/)
					.first()
					.isVisible()
			)
			.toBe(true);

		const ava = await signedInAs(e2e, 'ava', '/projects/p1/settings/requests');
		await expect
			.poll(() => ava.page.getByText('For the consortium report.').isVisible())
			.toBe(true);
		await ava.page.getByLabel(/Reason/).fill('Welcome!');
		await ava.page.getByRole('button', { name: 'Approve as Analyst' }).click();

		// Before the approval Nadia had no project; now the drop-down offers Analytics.
		const dropDown = nadia.page.getByRole('button', { name: /^Project:/ });
		await expect.poll(() => dropDown.count(), { timeout: 15_000 }).toBe(1);
		await dropDown.click();
		await expect
			.poll(() => nadia.page.getByRole('menuitemradio', { name: /Analytics/ }).count())
			.toBe(1);
		await nadia.page.keyboard.press('Escape');
		await expect
			.poll(() =>
				nadia.page
					.getByText(/Approved/)
					.first()
					.isVisible()
			)
			.toBe(true);
		const approval = await e2e.smtp.nextMessageTo('nadia@example.org');
		expect(approval.subject.toLowerCase()).toContain('approved');
		await leave(ava);
		await leave(nadia);
	});

	it('opens a board from the Boards list at the address its digests link to, with its reports', async () => {
		const al = await signedInAs(e2e, 'al', '/projects/p1/views/main?section=boards');
		await al.page.getByRole('button', { name: 'Create board' }).click();
		const dialog = al.page.getByRole('dialog');
		await dialog.getByLabel('Name').fill('Circulation');
		await dialog.getByLabel(/Reports/).fill('Loans by branch\nReturns this week');
		await dialog.getByRole('button', { name: /Create|Save/ }).click();
		await al.page.getByRole('link', { name: 'Circulation' }).click();
		await al.page.getByRole('heading', { level: 1, name: 'Circulation' }).waitFor();
		// The digest mail's "Open the board" link: /projects/<project>/views/<view>/boards/<board>.
		expect(new URL(al.page.url()).pathname).toMatch(/^\/projects\/p1\/views\/main\/boards\/[^/]+$/);
		const reports = al.page.getByRole('list').filter({ hasText: 'Loans by branch' });
		await expect
			.poll(() => reports.getByRole('listitem').allInnerTexts())
			.toEqual([
				expect.stringContaining('Loans by branch'),
				expect.stringContaining('Returns this week')
			]);
		await expectNoSeriousViolations(al.page, 'board');
		await al.page.goto(`${e2e.server.url}/projects/p1/views/main/boards/gone`);
		await expect.poll(() => al.page.getByText('This board is not here').isVisible()).toBe(true);
		// An old link to a data view the project does not have: said so, nothing opened.
		await al.page.goto(`${e2e.server.url}/projects/p1/views/gone?section=boards`);
		await expect.poll(() => al.page.getByText('This data view is not here').isVisible()).toBe(true);
		expect(await al.page.getByText(/Sync stopped/).count()).toBe(0);
		await leave(al);
	});

	it('keeps Deny unavailable until the admin gives a reason, which the requester is told', async () => {
		createAccount(e2e.server.app.authDb, {
			id: 'nick',
			email: 'nick@example.org',
			name: 'Nick Network'
		});
		addZonePerson(e2e.server.app.db, 'nz', 'nick', 'office', Date.now());
		const asked = await signedIn(e2e.server, 'nick').post('/api/projects/p1/requests', {
			kind: 'join',
			role: 'admin',
			message: 'Admin rights, please.'
		});
		expect(asked.status).toBeLessThan(300);

		const ava = await signedInAs(e2e, 'ava', '/projects/p1/settings/requests');
		await expect.poll(() => ava.page.getByText('Admin rights, please.').isVisible()).toBe(true);
		const deny = ava.page.getByRole('button', { name: 'Deny' });
		expect(await deny.getAttribute('aria-disabled')).toBe('true');
		await deny.click({ force: true });
		expect(await ava.page.getByText('Waiting', { exact: true }).count()).toBe(1);
		await ava.page.getByText('Say why you deny the request: the requester is told.').waitFor();

		await ava.page.getByLabel(/Reason/).fill('We add NZ staff as Analysts only');
		await expect.poll(() => deny.getAttribute('aria-disabled')).toBeNull();
		await deny.click();
		await expect.poll(() => ava.page.getByText('Denied', { exact: true }).isVisible()).toBe(true);
		const told = await e2e.smtp.nextMessageTo('nick@example.org');
		expect(told.text).toContain('We add NZ staff as Analysts only');
		await leave(ava);
	});

	it('has no serious accessibility violations on the workflow and workspace pages', async () => {
		const ava = await signedInAs(e2e, 'ava', '/projects/p1/settings/requests');
		for (const path of [
			'/projects/p1/settings/requests',
			'/projects/p1/settings/audit',
			'/projects/p1/views/main?section=boards',
			'/projects/p1/views/main?section=lexicon',
			'/projects/p1/views/main?section=lookupTables',
			'/directory'
		]) {
			await ava.page.goto(`${e2e.server.url}${path}`);
			await ava.page.getByRole('heading', { level: 1 }).waitFor();
			await ava.page.waitForTimeout(300);
			await expectNoSeriousViolations(ava.page, path);
		}
		await leave(ava);
	});
});
