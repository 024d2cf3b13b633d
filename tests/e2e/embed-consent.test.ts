/**
 * Consent in Chromium, across sites, with third-party cookies blocked: the console on
 * http://127.0.0.1:<port>, the demo portals on http://localhost:<port>. The first time a person
 * uses a portal, the widget asks them to allow it in a console window (first-party: their console
 * session works there), and only then does the portal get tickets for them. What they do through
 * it is audited as "<person> via <portal>"; removing the grant in Personal Settings signs them
 * out there at once.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { findProjectRecord } from '../../server/consortium/store';
import { registerPortal } from '../../server/embed/portals';
import { startDemoPortal, type DemoPortal } from '../../scripts/demo-portal/server';
import { newPerson } from '../support/browser';
import {
	expectNoSeriousViolations,
	signedInAs,
	startE2E,
	widgetShowsMember,
	type E2E
} from '../support/e2e';
import { requestTicket } from '../support/embed';
import { extractLink } from '../support/smtp';
import { setUpProject } from '../support/sync';

let e2e: E2E;
let consortiumId: string;
/** Ada's portal (the first-use and removal tests) and Bo's (declining). */
let library: DemoPortal;
let branch: DemoPortal;

beforeAll(async () => {
	e2e = await startE2E({ browserArgs: ['--test-third-party-cookie-phaseout'] });
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
	consortiumId = findProjectRecord(e2e.server.app.db, 'p1')!.consortiumId;
	library = await demoPortal('Library Portal', 'ada');
	branch = await demoPortal('Branch Portal', 'bo');
});

afterAll(async () => {
	await library?.close();
	await branch?.close();
	await e2e?.close();
});

function demoPortal(name: string, accountId: string): Promise<DemoPortal> {
	return startDemoPortal({
		consoleUrl: e2e.server.url,
		projectId: 'p1',
		user: { name: `Name of ${accountId}`, email: `${accountId}@example.org` },
		portalName: name,
		publicOrigin: (port) => `http://localhost:${port}`,
		credentials: (origin) => {
			const { portal, apiKey } = registerPortal(
				e2e.server.app.authDb,
				consortiumId,
				{ name, origins: [origin], projectIds: ['p1'] },
				null
			);
			return { portalId: portal.id, apiKey };
		}
	});
}

/** The console's iframe inside the page's widget. */
function widgetFrame(page: Page) {
	return page.frameLocator('membership-widget iframe');
}

/** Clicks in the widget and returns the console window it opens. */
async function openConsentWindow(page: Page, button: string): Promise<Page> {
	const opened = page.context().waitForEvent('page');
	await widgetFrame(page).getByRole('button', { name: button }).click();
	const popup = await opened;
	await popup.waitForLoadState();
	return popup;
}

/** Someone already signed in to the console in this browser (its first-party cookie). */
async function signInToConsole(context: BrowserContext, accountId: string): Promise<void> {
	const { token } = createSession(e2e.server.app.authDb, accountId, {
		ip: '127.0.0.1',
		userAgent: 'e2e'
	});
	await context.addCookies([
		{ name: sessionCookieName(e2e.server.app.site), value: token, url: e2e.server.url }
	]);
}

describe('the first time a person uses a portal', () => {
	it('asks them in a console window, where they sign in and allow it; then the panel shows, and what they do is theirs via the portal', async () => {
		const visitor = await newPerson(e2e.browser);
		await visitor.page.goto(library.origin);
		const frame = widgetFrame(visitor.page);
		await expect
			.poll(() =>
				frame.getByRole('heading', { name: 'Allow Library Portal to act for you?' }).isVisible()
			)
			.toBe(true);
		expect(await frame.getByText(library.origin).count()).toBe(1);
		expect(await frame.getByRole('row').count()).toBe(0);
		await expectNoSeriousViolations(visitor.page, 'the widget asking');

		const popup = await openConsentWindow(visitor.page, 'Review in the console');
		expect(new URL(popup.url()).pathname).toBe('/embed/consent');
		await expect
			.poll(() => popup.getByRole('heading', { name: 'Sign in to answer' }).isVisible())
			.toBe(true);
		// The emailed link, opened in another tab of the same browser, signs this window in too.
		await popup.getByLabel('Email').fill('ada@example.org');
		await popup.getByRole('button', { name: 'Continue' }).click();
		await popup.getByRole('button', { name: 'Email me a sign-in link' }).click();
		const mail = await e2e.smtp.nextMessageTo('ada@example.org');
		const tab = await visitor.context.newPage();
		await tab.goto(extractLink(mail, '/sign-in/link'));
		await tab.getByRole('button', { name: 'Sign in' }).click();
		await tab.waitForURL(`${e2e.server.url}/`);
		await tab.close();

		const question = popup.getByRole('heading', { name: 'Allow Library Portal to act for you?' });
		await expect.poll(() => question.isVisible()).toBe(true);
		const text = (await popup.getByRole('main').innerText()).replace(/\s+/g, ' ');
		expect(text).toContain(
			`Allow Library Portal (${library.origin}) to show and change Project Users of Analytics for you?`
		);
		expect(text).toMatch(/Registered .* by Northern Lights/);
		expect(text).toContain('Name of ada (ada@example.org)');
		await expectNoSeriousViolations(popup, 'the consent window');
		const closed = popup.waitForEvent('close');
		await popup.getByRole('button', { name: 'Allow' }).click();
		await closed;

		await widgetShowsMember(frame, 'Name of nia');
		// Her grant is to this portal only: another portal's key gets nothing for her.
		const elsewhere = await requestTicket(e2e.server, branch.credentials.apiKey, {
			email: 'ada@example.org',
			projectId: 'p1'
		});
		expect(elsewhere.body.error.code).toBe('consent-required');
		// Her console session is the consent window's first-party cookie; the frame has none.
		expect(await visitor.context.cookies(e2e.server.url)).toHaveLength(1);
		await frame.getByRole('button', { name: /^Role of Name of nia:/ }).click();
		await frame.getByRole('menuitemradio', { name: /^Consumer/ }).click();
		await frame.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();

		// Bo, in the console, reads the audit log: Ada's change, made through the portal.
		const bo = await signedInAs(e2e, 'bo', '/projects/p1/settings/audit');
		const change = bo.page
			.getByRole('listitem')
			.filter({ hasText: 'Name of ada via Library Portal' })
			.first();
		await expect
			.poll(() => change.textContent())
			.toContain('Name of ada via Library Portal changed Name of nia’s role');
		await bo.context.close();

		// Ada's Personal Settings (her console session in this browser) lists the grant.
		const settings = await visitor.context.newPage();
		await settings.goto(`${e2e.server.url}/settings/personal`);
		const grant = settings.getByRole('list', { name: 'Portals you allowed' }).getByRole('listitem');
		await expect.poll(() => grant.textContent()).toContain('Library Portal');
		expect(await grant.textContent()).toContain('Projects: Analytics');
		expect(await grant.textContent()).toMatch(/Last used/);
		await expectNoSeriousViolations(settings, 'Personal Settings with a grant');

		// Removing it signs Ada out of the portal's Project Users within a second.
		await settings.getByRole('button', { name: 'Remove Library Portal' }).click();
		await expect
			.poll(() => frame.getByText('Your session from Library Portal ended.').isVisible(), {
				timeout: 1000
			})
			.toBe(true);
		await expect.poll(() => settings.getByText('No portal acts for you').isVisible()).toBe(true);
		const refused = await requestTicket(e2e.server, library.credentials.apiKey, {
			email: 'ada@example.org',
			projectId: 'p1'
		});
		expect(refused.body.error.code).toBe('consent-required');
		// Signing in again there asks her again.
		await frame.getByRole('button', { name: 'Sign in again' }).click();
		await expect
			.poll(() => frame.getByRole('button', { name: 'Review in the console' }).isVisible())
			.toBe(true);
		await visitor.context.close();
	});
});

describe('declining, or closing the console window', () => {
	it('leaves the widget saying so, with Try again, until the person allows it', async () => {
		const visitor = await newPerson(e2e.browser);
		await signInToConsole(visitor.context, 'bo');
		await visitor.page.goto(branch.origin);
		const frame = widgetFrame(visitor.page);

		const first = await openConsentWindow(visitor.page, 'Review in the console');
		const closed = first.waitForEvent('close');
		await first.getByRole('button', { name: 'Decline' }).click();
		await closed;
		await expect.poll(() => frame.getByText('You declined').isVisible()).toBe(true);
		expect(
			await frame.getByText('Branch Portal does not show Project Users for you.').count()
		).toBe(1);
		expect(await frame.getByRole('row').count()).toBe(0);

		const second = await openConsentWindow(visitor.page, 'Try again');
		await second.getByRole('button', { name: 'Allow' }).waitFor();
		await second.close();
		await expect.poll(() => frame.getByText('No answer').isVisible()).toBe(true);

		const third = await openConsentWindow(visitor.page, 'Try again');
		await third.getByRole('button', { name: 'Allow' }).click();
		await widgetShowsMember(frame, 'Name of nia');
		expect(await frame.locator('.who').textContent()).toMatch(
			/signed in as Name of bo through\s+Branch Portal/
		);
		await visitor.context.close();
	});
});
