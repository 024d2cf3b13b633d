/**
 * What every end-to-end test needs: the console server (serving the built SPA) on port 0 with a
 * real SMTP server behind it, one Chromium, and people signed in in browser contexts of their own.
 */
import AxeBuilder from '@axe-core/playwright';
import type {
	Browser,
	BrowserContext,
	BrowserContextOptions,
	FrameLocator,
	Page
} from 'playwright-core';
import { expect } from 'vitest';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import type { Config } from '../../server/config';
import { startAuthServer } from './auth';
import { launchBrowser, newPerson } from './browser';
import type { TestServer } from './server';
import { startSmtpServer, type TestSmtpServer } from './smtp';

export interface E2E {
	server: TestServer;
	smtp: TestSmtpServer;
	browser: Browser;
	close(): Promise<void>;
}

export interface E2EOptions {
	/** Chromium switches for this file's browser. */
	browserArgs?: string[];
	config?: Partial<Config>;
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
	const smtp = await startSmtpServer();
	const server = await startAuthServer({ smtp, config: options.config });
	const browser = await launchBrowser(options.browserArgs);
	return {
		server,
		smtp,
		browser,
		async close() {
			await browser.close();
			await server.close();
			await smtp.stop();
		}
	};
}

export interface Person {
	context: BrowserContext;
	page: Page;
}

/**
 * A browser context already signed in as the account (its session cookie set), on `path`;
 * `device` for a touch screen (`hasTouch`) and the like.
 */
export async function signedInAs(
	e2e: E2E,
	accountId: string,
	path: string,
	viewport = { width: 1280, height: 800 },
	device: Omit<BrowserContextOptions, 'viewport'> = {}
): Promise<Person> {
	const person = await newPerson(e2e.browser, { viewport, ...device });
	const { token } = createSession(e2e.server.app.authDb, accountId, {
		ip: '127.0.0.1',
		userAgent: 'e2e'
	});
	await person.context.addCookies([
		{ name: sessionCookieName(e2e.server.app.site), value: token, url: e2e.server.url }
	]);
	await person.page.goto(`${e2e.server.url}${path}`);
	return person;
}

/** The Users tab's row of a member, found by name (in a page, or in the widget's frame). */
export function memberRow(page: Pick<Page, 'getByRole'> | FrameLocator, name: string) {
	return page.getByRole('row').filter({ hasText: name });
}

/**
 * Waits for the widget's first showing of the Users tab. A first load in a fresh browser context
 * goes through two sites (the loader script, a ticket from the portal, its exchange, the console's
 * boot and first sync), so it gets more time than a poll within one page.
 */
export async function widgetShowsMember(frame: FrameLocator, name: string): Promise<void> {
	await expect.poll(() => memberRow(frame, name).isVisible(), { timeout: 30_000 }).toBe(true);
}

/**
 * Leaves the page (its connections close cleanly, as when a person closes the tab), then closes
 * the context. Closing a context alone can leave its sockets open until the server's heartbeat.
 */
export async function leave(person: Person): Promise<void> {
	await person.page.goto('about:blank');
	await person.context.close();
}

/**
 * Waits until the page has settled: nothing is loading (no placeholder, nothing `aria-busy`), no
 * CSS transition is running, and nothing in the document changed for a moment. A page caught
 * mid-way is not the page people read: when Personal Settings' sessions arrive, "Sign out
 * everywhere else" turns from its loading state (muted on grey) to enabled (white on red) in a
 * 150 ms fade whose middle has a contrast of 1.1 to 4.4; a button enabled once a document has
 * synced fades the same way. On a busy machine such a change lands during axe's run, and axe
 * measured the fade: so the page must also have been still for QUIET_MS before axe starts.
 */
export async function untilSettled(page: Page): Promise<void> {
	await expect.poll(() => page.evaluate(isStillFor, QUIET_MS), { timeout: 20_000 }).toBe(true);
}

const QUIET_MS = 400;

/** Runs in the page: whether it stays unchanged, loaded and without transitions for `ms`. */
function isStillFor(ms: number): Promise<boolean> {
	const settled = () =>
		document.querySelector('.skeleton, .spinner, [aria-busy="true"]') === null &&
		document
			.getAnimations()
			.every(
				(animation) => !(animation instanceof CSSTransition) || animation.playState !== 'running'
			);
	return new Promise((resolve) => {
		let changed = false;
		const observer = new MutationObserver(() => (changed = true));
		observer.observe(document.body, {
			subtree: true,
			childList: true,
			attributes: true,
			characterData: true
		});
		setTimeout(() => {
			observer.disconnect();
			resolve(!changed && settled());
		}, ms);
	});
}

/**
 * axe-core on the page once it has settled (see untilSettled): no serious or critical WCAG 2.1
 * A/AA violation. A violation is one that is still there when the page has settled again and axe
 * looks a second time: a page that changed after its quiet moment (an answer that took longer than
 * that on a busy machine, enabling a button in a fade) can be measured mid-way, which nobody reads,
 * while a colour or a missing label that is wrong stays wrong.
 */
export async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
	let found = await seriousViolations(page, where);
	if (found.length > 0) {
		const again = new Set(await seriousViolations(page, where));
		found = found.filter((violation) => again.has(violation));
	}
	expect(found).toEqual([]);
}

async function seriousViolations(page: Page, where: string): Promise<string[]> {
	await untilSettled(page);
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return results.violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map(
			(violation) =>
				`${where}: ${violation.id} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`
		);
}

/**
 * Waits until the service worker has stored the app and controls the page: only then do pages
 * open offline (a person whose first visit ends before that has no offline console yet).
 */
export async function untilAvailableOffline(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await expect
		.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
		.toBe(true);
}
