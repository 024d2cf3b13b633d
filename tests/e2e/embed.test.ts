/**
 * The embedded widget in Chromium, across origins: the console on http://127.0.0.1:<port>, the
 * demo portal on http://localhost:<port> (another site), and pages nobody registered on
 * http://evil.localhost:<port>. The browser blocks third-party cookies
 * (--test-third-party-cookie-phaseout), and the people using the portal have no console cookie.
 */
import AxeBuilder from '@axe-core/playwright';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../server/auth/random';
import { findProjectRecord } from '../../server/consortium/store';
import { registerPortal } from '../../server/embed/portals';
import { DEFAULT_EMBED_SETTINGS } from '../../server/embed/settings';
import { startDemoPortal, type DemoPortal } from '../../scripts/demo-portal/server';
import { newPerson } from '../support/browser';
import { memberRow, signedInAs, startE2E, widgetShowsMember, type E2E } from '../support/e2e';
import { embeddedToken, grantPortal, requestTicket, type TestPortal } from '../support/embed';
import { setUpProject } from '../support/sync';

const USERS = '/projects/p1/settings/users';

let e2e: E2E;
let consortiumId: string;
let portal: DemoPortal;
/** Pages of an origin no portal registered. */
let evil: { origin: string; server: Server };

beforeAll(async () => {
	e2e = await startE2E({
		browserArgs: ['--test-third-party-cookie-phaseout'],
		// Short sessions, so that the widget renews its session during the tests.
		config: { embed: { ...structuredClone(DEFAULT_EMBED_SETTINGS), sessionLifetimeMs: 9_000 } }
	});
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
	consortiumId = findProjectRecord(e2e.server.app.db, 'p1')!.consortiumId;
	portal = await startDemoPortal({
		consoleUrl: e2e.server.url,
		projectId: 'p1',
		user: { name: 'Name of ada', email: 'ada@example.org' },
		portalName: 'Library Portal',
		publicOrigin: (port) => `http://localhost:${port}`,
		credentials: (origin) => register('Library Portal', origin)
	});
	evil = await serve((port) => `http://evil.localhost:${port}`, evilPages);
});

afterAll(async () => {
	await portal?.close();
	if (evil) await close(evil.server);
	await e2e?.close();
});

/** A portal Ada has allowed already (the first use is tests/e2e/embed-consent.test.ts). */
function register(name: string, origin: string) {
	const { portal, apiKey } = registerPortal(
		e2e.server.app.authDb,
		consortiumId,
		{ name, origins: [origin], projectIds: ['p1'] },
		null
	);
	grantPortal(e2e.server, portal, 'ada');
	return { portalId: portal.id, apiKey };
}

/** A small web server for pages of another origin; `route` answers its requests. */
async function serve(
	originOf: (port: number) => string,
	route: (req: IncomingMessage, res: ServerResponse, url: URL) => void
): Promise<{ origin: string; server: Server }> {
	let origin = '';
	const server = createServer((req, res) => route(req, res, new URL(req.url ?? '/', origin)));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = originOf((server.address() as AddressInfo).port);
	return { origin, server };
}

function html(res: ServerResponse, body: string): void {
	res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
	res.end(
		`<!doctype html><html lang="en"><head><title>Page</title><link rel="icon" href="data:,"></head><body>${body}</body></html>`
	);
}

function evilPages(_req: IncomingMessage, res: ServerResponse, url: URL): void {
	const consoleUrl = e2e.server.url;
	if (url.pathname === '/widget')
		// Someone copies the portal's snippet into a page of their own.
		return html(
			res,
			`<script src="${consoleUrl}/embed/widget.js"></script>
			<membership-widget project="p1" portal="${portal.credentials.portalId}" ticket-url="/ticket"></membership-widget>`
		);
	html(res, '<h1>Nothing here</h1>');
}

/** The console's iframe inside the page's widget. */
function widgetFrame(page: Page) {
	return page.frameLocator('membership-widget iframe');
}

function consoleFrameOf(page: Page): Frame | undefined {
	return page.frames().find((frame) => frame.url().startsWith(`${e2e.server.url}/embed/`));
}

function embeddedSessionIds(portalId: string): string[] {
	return e2e.server.app.db
		.prepare('SELECT id FROM sessions WHERE embedded_portal_id = ? ORDER BY created_at')
		.pluck()
		.all(portalId) as string[];
}

describe('the widget in the demo portal', () => {
	it('shows Project Users without any console cookie, and an invitation made there reaches another admin’s console', async () => {
		const visitor = await newPerson(e2e.browser);
		const bo = await signedInAs(e2e, 'bo', USERS);
		await bo.page.getByRole('tab', { name: /Invited Users/ }).click();

		await visitor.page.goto(portal.origin);
		const frame = widgetFrame(visitor.page);
		await widgetShowsMember(frame, 'Name of nia');
		expect(await frame.locator('.who').textContent()).toMatch(
			/Analytics · signed in as Name of ada through\s+Library Portal/
		);

		// No cookie of the console anywhere, and the browser refuses to keep one in the frame.
		expect(await visitor.context.cookies(e2e.server.url)).toEqual([]);
		const inside = consoleFrameOf(visitor.page)!;
		expect(
			await inside.evaluate(async () => {
				document.cookie = 'probe=1; SameSite=None; Secure';
				return {
					cookie: document.cookie,
					storageAccess: await document.hasStorageAccess(),
					// The widget registers none; with third-party cookies blocked, neither may anyone.
					serviceWorkers: await navigator.serviceWorker.getRegistrations().then(
						(registrations) => registrations.length,
						() => 0
					)
				};
			})
		).toEqual({ cookie: '', storageAccess: false, serviceWorkers: 0 });

		await frame.getByRole('button', { name: 'Invite Users' }).click();
		const dialog = frame.getByRole('dialog');
		await dialog.getByLabel('Email addresses').fill('embedded.invitee@example.org ');
		await dialog
			.getByRole('combobox', { name: 'Zone for embedded.invitee@example.org' })
			.selectOption({ label: 'Office (Network Zone)' });
		await dialog.getByRole('radio', { name: /Analyst/ }).check();
		await dialog.getByRole('button', { name: 'Invite', exact: true }).click();

		const invited = bo.page.getByRole('row').filter({ hasText: 'embedded.invitee@example.org' });
		await expect.poll(() => invited.textContent()).toContain('Sent');
		expect(await invited.textContent()).toContain('Name of ada');
		const mail = await e2e.smtp.nextMessageTo('embedded.invitee@example.org');
		expect(mail.subject).toBe('Name of ada invited you to Analytics');
		await bo.context.close();
		await visitor.context.close();
	});

	it('is sized to its content and follows the portal’s theme', async () => {
		const visitor = await newPerson(e2e.browser, { colorScheme: 'light' });
		await visitor.page.goto(portal.origin);
		const frame = widgetFrame(visitor.page);
		await widgetShowsMember(frame, 'Name of nia');
		const inside = consoleFrameOf(visitor.page)!;
		// Nothing scrolls inside the iframe: it is as tall as what it shows.
		await expect
			.poll(() =>
				inside.evaluate(() => {
					const root = document.querySelector('.embed')!;
					return Math.abs(root.getBoundingClientRect().height - innerHeight) <= 1;
				})
			)
			.toBe(true);

		expect(await inside.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
		await visitor.page.selectOption('#theme', 'dark');
		await expect
			.poll(() => inside.evaluate(() => document.documentElement.dataset.theme))
			.toBe('dark');
		await visitor.context.close();
	});

	it('opens its dialogs in the part of the frame on screen, the buttons above the portal’s fold', async () => {
		for (const viewport of [
			{ width: 390, height: 844 },
			{ width: 1280, height: 800 }
		]) {
			const visitor = await newPerson(e2e.browser, { viewport });
			await visitor.page.goto(portal.origin);
			const frame = widgetFrame(visitor.page);
			await widgetShowsMember(frame, 'Name of nia');
			const dialog = frame.getByRole('dialog');
			/** Whether the dialog's title and buttons are all on the portal's screen. */
			const onScreen = async () => {
				const parts = [
					dialog.getByRole('heading', { name: 'Invite Users' }),
					dialog.getByRole('button', { name: 'Cancel' }),
					dialog.getByRole('button', { name: 'Invite', exact: true })
				];
				for (const part of parts) {
					const box = await part.boundingBox();
					if (!box || box.y < 0 || box.y + box.height > viewport.height) return false;
				}
				return true;
			};

			// The widget starts a third of the way down; the dialog opens below that, on screen.
			await frame.getByRole('button', { name: 'Invite Users' }).click();
			await expect.poll(onScreen).toBe(true);
			await dialog.getByRole('button', { name: 'Cancel' }).click();

			// With the portal's page scrolled so that the widget's top is off screen.
			const frameTop = (await visitor.page.locator('membership-widget iframe').boundingBox())!.y;
			await visitor.page.evaluate((y) => window.scrollTo(0, y), frameTop + 150);
			await frame.getByRole('button', { name: /^Role of Name of nia:/ }).focus();
			await frame.getByRole('button', { name: 'Remove Name of nia' }).click();
			const confirm = frame.getByRole('dialog');
			await expect
				.poll(async () => {
					const box = await confirm.getByRole('button', { name: 'Remove' }).boundingBox();
					return box !== null && box.y >= 0 && box.y + box.height <= viewport.height;
				})
				.toBe(true);
			await confirm.getByRole('button', { name: 'Cancel' }).click();
			await visitor.context.close();
		}
	});

	it('renews its session before it ends by asking the portal again, and keeps working', async () => {
		const visitor = await newPerson(e2e.browser);
		const bo = await signedInAs(e2e, 'bo', USERS);
		const before = new Set(embeddedSessionIds(portal.credentials.portalId));
		await visitor.page.goto(portal.origin);
		const frame = widgetFrame(visitor.page);
		await widgetShowsMember(frame, 'Name of nia');
		const first = embeddedSessionIds(portal.credentials.portalId).find((id) => !before.has(id));

		// The session lasts 9 seconds here: the widget renews it, and ends the old one.
		await expect
			.poll(() => embeddedSessionIds(portal.credentials.portalId).includes(first!), {
				timeout: 20_000
			})
			.toBe(false);
		await frame.getByRole('button', { name: /^Role of Name of nia:/ }).click();
		await frame.getByRole('menuitemradio', { name: /^Consumer/ }).click();
		await frame.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
		await expect.poll(() => memberRow(bo.page, 'Name of nia').textContent()).toContain('Consumer');
		expect(await frame.getByText(/ended/).count()).toBe(0);
		await bo.context.close();
		await visitor.context.close();
	});
});

describe('accessibility', () => {
	async function seriousViolations(page: Page): Promise<string[]> {
		const results = await new AxeBuilder({ page })
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
			.analyze();
		return results.violations
			.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
			.map(
				(violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(', ')}`
			);
	}

	it('finds no serious violations in the embedded panel, its dialog, or the Portals page', async () => {
		const visitor = await newPerson(e2e.browser);
		await visitor.page.goto(portal.origin);
		const frame = widgetFrame(visitor.page);
		await widgetShowsMember(frame, 'Name of nia');
		expect(await seriousViolations(visitor.page)).toEqual([]);
		await frame.getByRole('button', { name: 'Invite Users' }).click();
		await frame.getByRole('dialog').waitFor();
		expect(await seriousViolations(visitor.page)).toEqual([]);
		await visitor.context.close();

		const bo = await signedInAs(e2e, 'bo', `/consortia/${consortiumId}/portals?project=p1`);
		await bo.page.getByRole('heading', { name: 'Registered portals' }).waitFor();
		expect(await seriousViolations(bo.page)).toEqual([]);
		await bo.context.close();
	});
});

describe('the Portals page', () => {
	it('registers a portal for the projects ticked, and its key gets tickets', async () => {
		const bo = await signedInAs(e2e, 'bo', `/consortia/${consortiumId}/portals?project=p1`);
		const page = bo.page;
		// The project the page was opened from is ticked; without any, nothing is registered.
		const analytics = page.getByRole('checkbox', { name: 'Analytics' });
		await expect.poll(() => analytics.isChecked()).toBe(true);
		await page.getByLabel('Name').fill('Page Portal');
		await page.getByLabel('Allowed origins').fill('https://page.example.org');
		await analytics.uncheck();
		await page.getByRole('button', { name: 'Register portal' }).click();
		await expect.poll(() => page.getByText('Choose at least one project').isVisible()).toBe(true);

		await analytics.check();
		await page.getByRole('button', { name: 'Register portal' }).click();
		const apiKey = page.getByLabel('API key');
		await expect.poll(() => apiKey.isVisible()).toBe(true);
		const card = page.getByRole('listitem').filter({ hasText: 'Page Portal' });
		expect(await card.textContent()).toMatch(/Projects\s*Analytics/);
		const key = await apiKey.inputValue();
		grantPortal(e2e.server, { id: key.split('_')[1]! }, 'bo');
		const ticket = await requestTicket(e2e.server, key, {
			email: 'bo@example.org',
			projectId: 'p1'
		});
		expect(ticket.status).toBe(201);
		await bo.context.close();
	});
});

describe('a page on an origin no portal registered', () => {
	it('cannot frame the panel: the console’s CSP names the portal’s origins only', async () => {
		const visitor = await newPerson(e2e.browser);
		const messages: string[] = [];
		visitor.page.on('console', (message) => messages.push(message.text()));
		await visitor.page.goto(`${evil.origin}/widget`);
		await expect.poll(() => messages.some((text) => text.includes('frame-ancestors'))).toBe(true);
		const frame = consoleFrameOf(visitor.page);
		expect(frame ? await frame.getByRole('heading', { name: 'Project Users' }).count() : 0).toBe(0);
		await visitor.context.close();
	});

	it('cannot open the embed route as a page of its own (a popup, a phishing link)', async () => {
		const visitor = await newPerson(e2e.browser);
		const { portalId } = portal.credentials;
		await visitor.page.goto(
			`${e2e.server.url}/embed/projects/p1?portal=${portalId}&origin=${encodeURIComponent(portal.origin)}`
		);
		await expect
			.poll(() => visitor.page.getByText(/shows Project Users inside a portal/).isVisible())
			.toBe(true);
		expect(await visitor.page.getByRole('row').count()).toBe(0);
		await visitor.context.close();
	});

	it('cannot open a sync connection, even with a valid embedded token', async () => {
		const token = await embeddedToken(e2e.server, portalOf(portal), 'ada@example.org');
		const visitor = await newPerson(e2e.browser);
		await visitor.page.goto(`${evil.origin}/`);
		const outcome = await visitor.page.evaluate(
			(url) =>
				new Promise<string>((resolve) => {
					const socket = new WebSocket(url);
					socket.onopen = () => resolve('opened');
					socket.onclose = (event) => resolve(`closed ${event.code}`);
				}),
			`${e2e.server.url.replace(/^http/, 'ws')}/sync/project%2Fp1?token=${token}`
		);
		expect(outcome).toBe('closed 1006');
		await visitor.context.close();
	});
});

function portalOf(demo: DemoPortal): TestPortal {
	return { id: demo.credentials.portalId, apiKey: demo.credentials.apiKey, consortiumId };
}

describe('another portal', () => {
	/** A portal whose ticket endpoint hands out whatever `ticketFor` gives. */
	async function otherPortal(name: string, ticketFor: () => Promise<string>) {
		let credentials = { portalId: '', apiKey: '' };
		const host = await serve(
			(port) => `http://localhost:${port}`,
			(req, res, url) => {
				if (req.method === 'POST' && url.pathname === '/ticket') {
					void ticketFor().then((ticket) => {
						res.writeHead(200, { 'Content-Type': 'application/json' });
						res.end(JSON.stringify({ ticket }));
					});
					return;
				}
				html(
					res,
					`<script src="${e2e.server.url}/embed/widget.js"></script>
					<membership-widget project="p1" portal="${credentials.portalId}" ticket-url="/ticket"></membership-widget>`
				);
			}
		);
		credentials = register(name, host.origin);
		return { ...host, credentials };
	}

	async function ticketOf(credentials: { apiKey: string }): Promise<string> {
		const answer = await requestTicket(e2e.server, credentials.apiKey, {
			email: 'ada@example.org',
			projectId: 'p1'
		});
		return answer.body.ticket as string;
	}

	it('cannot use a ticket another portal was given: the console refuses it and burns it', async () => {
		let stolen = '';
		const thief = await otherPortal('Thief Portal', async () => {
			stolen = await ticketOf(portal.credentials);
			return stolen;
		});
		const visitor = await newPerson(e2e.browser);
		await visitor.page.goto(thief.origin);
		const frame = widgetFrame(visitor.page);
		await expect
			.poll(() => frame.getByText(/issued for another portal or project/).isVisible())
			.toBe(true);
		expect(
			e2e.server.app.db
				.prepare('SELECT consumed_at FROM embed_tickets WHERE ticket_hash = ?')
				.pluck()
				.get(hashSecret(stolen))
		).toEqual(expect.any(Number));
		expect(embeddedSessionIds(thief.credentials.portalId)).toEqual([]);
		await visitor.context.close();
		await close(thief.server);
	});

	it('signs the person out at once when the portal is revoked in the console, and gets no new ticket', async () => {
		let credentials = { portalId: '', apiKey: '' };
		const branch = await otherPortal('Branch Portal', () => ticketOf(credentials));
		credentials = branch.credentials;
		const visitor = await newPerson(e2e.browser);
		await visitor.page.goto(branch.origin);
		const frame = widgetFrame(visitor.page);
		await widgetShowsMember(frame, 'Name of nia');

		// Bo, a Network Zone Project Admin, revokes the portal in the console.
		const bo = await signedInAs(e2e, 'bo', `/consortia/${consortiumId}/portals`);
		await bo.page.getByRole('button', { name: 'Revoke Branch Portal' }).click();
		await bo.page.getByRole('dialog').getByRole('button', { name: 'Revoke portal' }).click();
		await expect
			.poll(() => frame.getByText('Your session from Branch Portal ended.').isVisible())
			.toBe(true);
		expect(embeddedSessionIds(credentials.portalId)).toEqual([]);

		await frame.getByRole('button', { name: 'Sign in again' }).click();
		await expect
			.poll(() => frame.getByText(/The portal could not sign you in here/).isVisible())
			.toBe(true);
		await bo.context.close();
		await visitor.context.close();
		await close(branch.server);
	});
});

function close(server: Server): Promise<void> {
	server.closeAllConnections();
	return new Promise((resolve) => server.close(() => resolve()));
}
