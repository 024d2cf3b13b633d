/**
 * Real Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * (Playwright's own browser download is not available here). One browser per test file; each
 * person in a test gets a context of their own (their own cookies, storage and IndexedDB).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `extraArgs`: Chromium switches a test file needs (e.g. blocking third-party cookies). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
	if (!existsSync(CHROMIUM))
		throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium).`);
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			...extraArgs
		]
	});
}

export async function newPerson(
	browser: Browser,
	options: Parameters<Browser['newContext']>[0] = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
	const page = await context.newPage();
	page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
	return { context, page };
}
