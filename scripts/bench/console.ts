/**
 * `npm run bench:console`: the console's figures, written to docs/performance.md.
 *
 * 1. JavaScript shipped, gzip: every script of the build, and what the Project Users page loads
 *    (measured in Chromium); the budget is 200 KB.
 * 2. Reloading the Project Users page offline with a 10,000-member project until the Users list
 *    shows, in Chromium, next to the same reload online in the same run.
 * Run `npm run build` first.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createAccount } from '../../server/auth/accounts';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/observability/log';
import { readConfig } from '../../server/config';
import { launchBrowser } from '../../tests/support/browser';
import { createBenchProject } from './project-fixture';
import { machine, writeSection } from './report';
import { median } from './stats';

const MEMBERS = 10_000;
const RUNS = 5;
const BUDGET_KB = 200;

function scriptsIn(directory: string): string[] {
	return readdirSync(directory).flatMap((entry) => {
		const path = join(directory, entry);
		return statSync(path).isDirectory() ? scriptsIn(path) : path.endsWith('.js') ? [path] : [];
	});
}

const gzipKb = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).byteLength / 1024;

// ---- 1. what is shipped ------------------------------------------------------------------------

const allScripts = scriptsIn('build/_app/immutable');
const totalKb = allScripts.reduce((sum, path) => sum + gzipKb(readFileSync(path)), 0);

// ---- the server and the 10,000-member project -------------------------------------------------

const dataDir = mkdtempSync(join(tmpdir(), 'bench-console-'));
const app = createApp(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), {
	log: createLogger({ level: 'warn', format: 'readable' }, process.stderr)
});
const url = await app.listen();
createBenchProject(app.db, app.registry, MEMBERS);
createAccount(app.authDb, { id: 'admin', email: 'admin@office.example.org', name: 'Person admin' });
const { token } = createSession(app.authDb, 'admin', { ip: '127.0.0.1', userAgent: 'bench' });
const usersPage = `${url}/projects/bench/settings/users`;

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await context.addCookies([{ name: sessionCookieName(app.site), value: token, url }]);
const page = await context.newPage();

/** Scripts the page fetched (from the network or the service worker), gzip-compressed. */
const loadedScripts = new Map<string, number>();
page.on('response', async (response) => {
	if (response.request().resourceType() !== 'script') return;
	const body = await response.body().catch(() => null);
	if (body) loadedScripts.set(new URL(response.url()).pathname, gzipKb(body));
});

async function usersListShown(target: Page): Promise<void> {
	await target.getByRole('tab', { name: /Users\s*10,000/ }).waitFor({ timeout: 120_000 });
	await target.getByRole('row').nth(2).waitFor({ timeout: 120_000 });
}

async function timedReload(): Promise<number> {
	const start = performance.now();
	await page.reload({ waitUntil: 'commit' });
	await usersListShown(page);
	return performance.now() - start;
}

await page.goto(usersPage);
await usersListShown(page);
// Page-side expressions as strings: this script is type-checked without the DOM's types.
await page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
await page.waitForFunction('navigator.serviceWorker.controller !== null');
const pageScriptsKb = [...loadedScripts.values()].reduce((sum, kb) => sum + kb, 0);

const online: number[] = [];
const offline: number[] = [];
for (let run = 0; run < RUNS; run++) online.push(await timedReload());
await context.setOffline(true);
for (let run = 0; run < RUNS; run++) offline.push(await timedReload());
await context.setOffline(false);

await browser.close();
await app.close();

const kb = (value: number) => `${value.toFixed(1)} KB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
writeSection(
	'console',
	`## Console (\`npm run bench:console\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, Chromium ${browser.version()}.

### JavaScript shipped (gzip, level 9)

| What | Size | Budget |
|---|---|---|
| Every script of the build (all pages, the component gallery included) | ${kb(totalKb)} | ${BUDGET_KB} KB — ${totalKb <= BUDGET_KB ? 'met' : 'NOT met'} |
| What the Project Users page loads | ${kb(pageScriptsKb)} | |

### Reloading Project Users with a ${MEMBERS.toLocaleString('en')}-member project

From the reload until the Users tab counts ${MEMBERS.toLocaleString('en')} and the first rows show, median of ${RUNS}
reloads each, after one visit that filled IndexedDB and installed the service worker.

| Reload | Median | Runs |
|---|---|---|
| online (shell from the service worker, document from IndexedDB, then synced) | ${seconds(median(online))} | ${online.map(seconds).join(', ')} |
| offline (\`context.setOffline(true)\`: shell and document from this device only) | ${seconds(median(offline))} | ${offline.map(seconds).join(', ')} |

Offline / online: **${(median(offline) / median(online)).toFixed(2)}**.
`
);
process.exit(0);
