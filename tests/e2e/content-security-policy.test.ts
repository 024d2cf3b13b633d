/**
 * The pages' Content-Security-Policy (server/http/security-headers.ts) against the real app in
 * Chromium: the SPA boots (SvelteKit's inline bootstrap allowed by its hash), syncs over its
 * WebSocket, and the browser reports no violation on the way.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { memberRow, signedInAs, startE2E, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
});

afterAll(() => e2e.close());

/** What the browser refused on the page: `securitypolicyviolation` events and console reports. */
async function collectViolations(page: Page): Promise<string[]> {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
	});
	await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			const report = (window as unknown as { reportViolation(text: string): void }).reportViolation;
			report(
				`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
			);
		});
	});
	return violations;
}

it('boots the console, syncs a project and signs in with no policy violation', async () => {
	const ada = await signedInAs(e2e, 'ada', '/');
	const violations = await collectViolations(ada.page);

	await ada.page.goto(`${e2e.server.url}/projects/p1/settings/users`);
	await expect.poll(() => memberRow(ada.page, 'Name of nia').isVisible()).toBe(true);
	await ada.page.goto(`${e2e.server.url}/settings/personal`);
	await expect
		.poll(() => ada.page.getByRole('heading', { name: 'Personal Settings' }).isVisible())
		.toBe(true);

	const stranger = await e2e.browser.newPage();
	const strangerViolations = await collectViolations(stranger);
	await stranger.goto(`${e2e.server.url}/sign-in`);
	await expect
		.poll(() => stranger.getByRole('heading', { name: 'Sign in' }).isVisible())
		.toBe(true);

	expect([...violations, ...strangerViolations]).toEqual([]);
	await ada.context.close();
	await stranger.close();
});
