/**
 * Finding 9 of the truthful-console issue, the first minutes: right after the sign-in link the
 * header says the projects are loading (not that there are none) until the person's project list
 * has arrived; an Analyst or Consumer lands on their data view, a Project Admin on Project Users;
 * the role matrix is one click from the role menu; a removed member is told so in plain words,
 * with no drop-down that is not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPerson } from '../support/browser';
import { leave, memberRow, signedInAs, startE2E, type E2E } from '../support/e2e';
import { extractLink } from '../support/smtp';
import { setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' },
		{ accountId: 'rita', role: 'consumer', zone: 'nz' }
	]);
});

afterAll(() => e2e.close());

/** Follows the emailed sign-in link of the account in a fresh browser context. */
async function followSignInLink(
	person: Awaited<ReturnType<typeof newPerson>>,
	accountId: string
): Promise<void> {
	const answer = await fetch(`${e2e.server.url}/api/auth/link`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Origin: e2e.server.origin },
		body: JSON.stringify({ email: `${accountId}@example.org` })
	});
	expect(answer.status).toBeLessThan(300);
	const mail = await e2e.smtp.nextMessageTo(`${accountId}@example.org`);
	await person.page.goto(extractLink(mail, '/sign-in/link'));
	await person.page.getByRole('button', { name: /^Sign in/ }).click();
}

describe('the first minutes, in Chromium', () => {
	it('says the projects are loading, not that there are none, until the project list has arrived', async () => {
		const ada = await newPerson(e2e.browser);
		let release: () => void = () => {};
		const released = new Promise<void>((resolve) => (release = resolve));
		// The account's user document (its project list) is held back, as on a slow first sync.
		await ada.page.routeWebSocket(/\/sync\/user%2F/, async (socket) => {
			await released;
			socket.connectToServer();
		});
		await followSignInLink(ada, 'ada');
		await ada.page.waitForURL((url) => url.pathname === '/');

		const banner = ada.page.getByRole('banner');
		await expect.poll(() => banner.getByText('Loading your projects…').isVisible()).toBe(true);
		// A second later, still no false "No projects yet".
		await ada.page.waitForTimeout(1_000);
		expect(await banner.textContent()).not.toContain('No projects yet');
		expect(await ada.page.getByRole('main').textContent()).not.toContain('not in any project');

		release();
		await ada.page.waitForURL(/\/projects\/p1\/settings\/users$/);
		await expect
			.poll(() => banner.getByRole('button', { name: 'Project: Analytics' }).isVisible())
			.toBe(true);
		await leave(ada);
	});

	it('lands an Analyst and a Consumer on their data view, a Project Admin on Project Users', async () => {
		const landings: Record<string, RegExp> = {
			ian: /\/projects\/p1\/views\/iz-aurora$/,
			// A Consumer of the Network Zone reads every view: the list of them.
			ned: /\/projects\/p1\/views$/,
			ada: /\/projects\/p1\/settings\/users$/
		};
		for (const [accountId, landing] of Object.entries(landings)) {
			const person = await newPerson(e2e.browser);
			await followSignInLink(person, accountId);
			await person.page.waitForURL(landing);
			await leave(person);
		}
	});

	it('reaches the role matrix in one click from a role menu and from Project Users', async () => {
		const ada = await signedInAs(e2e, 'ada', '/projects/p1/settings/users');
		await ada.page.getByRole('button', { name: /^Role of Name of ned:/ }).click();
		await ada.page.getByRole('menuitem', { name: 'What each role can do' }).click();
		await ada.page.waitForURL(/\/help\/permissions$/);
		await expect
			.poll(() => ada.page.getByRole('heading', { name: 'Roles and permissions' }).isVisible())
			.toBe(true);
		await leave(ada);

		// Someone whose roles are all locked has the link too.
		const ian = await signedInAs(e2e, 'ian', '/projects/p1/settings/users');
		await ian.page.getByRole('link', { name: 'What each role can do' }).click();
		await ian.page.waitForURL(/\/help\/permissions$/);
		await leave(ian);
	});

	it('tells a removed member so, where the project was, with no drop-down that is not there', async () => {
		const rita = await signedInAs(e2e, 'rita', '/projects/p1/settings/users');
		await expect.poll(() => memberRow(rita.page, 'Name of rita').isVisible()).toBe(true);

		e2e.server.app.registry.change('project/p1', (roots) => roots.members.delete('rita'));
		const main = rita.page.getByRole('main');
		await expect
			.poll(() =>
				main
					.getByRole('heading', { name: 'You are no longer a member of Analytics', level: 1 })
					.isVisible()
			)
			.toBe(true);
		expect(await main.textContent()).not.toMatch(/drop-down/);
		expect(await main.textContent()).toContain('You are not in any other project.');
		expect(await main.getByRole('link', { name: 'Project directory' }).getAttribute('href')).toBe(
			'/directory'
		);

		// Coming back later, from an old link.
		await rita.page.goto(`${e2e.server.url}/projects/p1/views`);
		await expect
			.poll(() =>
				main.getByRole('heading', { name: /^You are not a member of/, level: 1 }).isVisible()
			)
			.toBe(true);
		expect(await main.textContent()).not.toMatch(/drop-down/);
		expect(await rita.page.getByRole('banner').textContent()).toContain('No projects yet');
		await leave(rita);
	});
});
