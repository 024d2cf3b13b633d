/**
 * What the service worker keeps at install (the app shell, src/service-worker.ts): every file a
 * console page loads, so that it opens offline, and nothing of the developer pages. The files of
 * the developer pages are found in Vite's record of the client build, independently of the list
 * the build writes for the worker (scripts/build/build-description.ts).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leave, signedInAs, startE2E, untilAvailableOffline, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';

const CLIENT_MANIFEST = '.svelte-kit/output/client/.vite/manifest.json';
const USERS = '/projects/p1/settings/users';

/** The built files of the developer pages: their route nodes and what only they import lazily. */
function developerPageFiles(): string[] {
	const manifest = JSON.parse(readFileSync(CLIENT_MANIFEST, 'utf8')) as Record<
		string,
		{ file: string }
	>;
	return Object.entries(manifest)
		.filter(
			([source]) =>
				source.startsWith('src/lib/dev/') ||
				(/\/nodes\/\d+\.js$/.test(source) &&
					readFileSync(source, 'utf8').includes('/src/routes/dev/'))
		)
		.map(([, chunk]) => `/${chunk.file}`);
}

/** The paths the service worker's cache holds. */
function keptByTheWorker(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		const kept: string[] = [];
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const request of await cache.keys()) kept.push(new URL(request.url).pathname);
		}
		return kept;
	});
}

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
});

afterAll(() => e2e.close());

describe('the service worker', () => {
	it('keeps every file Project Users loads at install, and none of the developer pages', async () => {
		const ada = await signedInAs(e2e, 'ada', '/help/permissions');
		await untilAvailableOffline(ada.page);
		const kept = new Set(await keptByTheWorker(ada.page));

		const loaded = new Set<string>();
		ada.page.on('request', (request) => {
			const path = new URL(request.url()).pathname;
			if (path.startsWith('/_app/')) loaded.add(path);
		});
		await ada.page.goto(`${e2e.server.url}${USERS}`);
		await expect.poll(() => ada.page.getByRole('tab', { name: /^Users/ }).isVisible()).toBe(true);
		expect(loaded.size).toBeGreaterThan(5);
		expect([...loaded].filter((path) => !kept.has(path))).toEqual([]);

		const developerFiles = developerPageFiles();
		expect(developerFiles.length).toBeGreaterThanOrEqual(3);
		expect(developerFiles.filter((path) => kept.has(path))).toEqual([]);
		await leave(ada);
	});
});
