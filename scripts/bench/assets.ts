/**
 * `npm run bench:assets`: the bytes Chromium receives for the Project Users page over the running
 * server, compressed (brotli, as every current browser asks for it) next to the same build sent
 * uncompressed (what the server sent before the build was precompressed), measured in the same run,
 * in rounds that alternate which goes first. Also, from the build's files: what the service
 * worker downloads at install (the app shell) against the whole build it used to download.
 * Writes its section of docs/performance.md. Run `npm run build` first (the production build).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createSession, sessionCookieName } from '../../server/auth/sessions';
import { createAccount } from '../../server/auth/accounts';
import { createApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { launchBrowser } from '../../tests/support/browser';
import { builtSpa, SPA_DIR } from '../build/spa';
import { createBenchProject } from './project-fixture';
import { machine, writeSection } from './report';
import { median, range } from './stats';

const ROUNDS = 5;
const MEMBERS = 100;

type Kind = 'Script' | 'Stylesheet' | 'Document' | 'other';
type Bytes = Record<Kind, number>;
type Variant = 'compressed' | 'uncompressed';

const description = builtSpa();
if (!description) {
	console.error('No build in build/: run `npm run build` first.');
	process.exit(1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-assets-'));
const app = createApp(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }));
const url = await app.listen();
createBenchProject(app.db, app.registry, MEMBERS);
createAccount(app.authDb, { id: 'admin', email: 'admin@office.example.org', name: 'Person admin' });
const { token } = createSession(app.authDb, 'admin', { ip: '127.0.0.1', userAgent: 'bench' });
const usersPage = `${url}/projects/bench/settings/users`;

/**
 * One cold load of Project Users in a fresh context (no HTTP cache, no service worker, which
 * would download the shell beside the page): bytes on the wire per kind of response, headers
 * included, as Chromium's network layer counts them (`encodedDataLength`).
 */
async function loadUsersPage(browser: Browser, variant: Variant): Promise<Bytes> {
	const context = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		serviceWorkers: 'block'
	});
	await context.addCookies([{ name: sessionCookieName(app.site), value: token, url }]);
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	if (variant === 'uncompressed')
		await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
	const kinds = new Map<string, Kind>();
	const encodings = new Set<string>();
	const bytes: Bytes = { Script: 0, Stylesheet: 0, Document: 0, other: 0 };
	cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
		kinds.set(
			requestId,
			type === 'Script' || type === 'Stylesheet' || type === 'Document' ? type : 'other'
		);
		const headers = response.headers as Record<string, string>;
		const encoding = Object.entries(headers).find(
			([name]) => name.toLowerCase() === 'content-encoding'
		);
		if (type === 'Script') encodings.add(encoding?.[1] ?? 'identity');
	});
	cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
		const kind = kinds.get(requestId);
		if (kind) bytes[kind] += encodedDataLength;
	});
	await page.goto(usersPage);
	await page.getByRole('tab', { name: /^Users\s/ }).waitFor({ timeout: 60_000 });
	await page.waitForLoadState('networkidle');
	await context.close();
	const expected = variant === 'compressed' ? 'br' : 'identity';
	if ([...encodings].some((encoding) => encoding !== expected))
		throw new Error(`${variant}: scripts came as ${[...encodings].join(', ')}, not ${expected}`);
	return bytes;
}

const total = (bytes: Bytes) => bytes.Script + bytes.Stylesheet + bytes.Document + bytes.other;

const browser = await launchBrowser();
const runs: Record<Variant, Bytes[]> = { compressed: [], uncompressed: [] };
const ratios: number[] = [];
// A first load of each, not counted: the server reads and compresses its page once per build.
await loadUsersPage(browser, 'compressed');
await loadUsersPage(browser, 'uncompressed');
for (let round = 0; round < ROUNDS; round++) {
	const order: Variant[] =
		round % 2 === 0 ? ['compressed', 'uncompressed'] : ['uncompressed', 'compressed'];
	const measured: Partial<Record<Variant, Bytes>> = {};
	for (const variant of order) measured[variant] = await loadUsersPage(browser, variant);
	runs.compressed.push(measured.compressed!);
	runs.uncompressed.push(measured.uncompressed!);
	ratios.push(total(measured.compressed!) / total(measured.uncompressed!));
}
const chromium = browser.version();
await browser.close();
await app.close();
rmSync(dataDir, { recursive: true, force: true });

// ---- what the service worker downloads at install, from the build's files -----------------------

function filesIn(directory: string): string[] {
	return readdirSync(directory).flatMap((entry) => {
		const path = join(directory, entry);
		return statSync(path).isDirectory() ? filesIn(path) : [path];
	});
}
const sizeOf = (path: string) => statSync(path).size;
const brotliSizeOf = (path: string) => {
	try {
		return sizeOf(`${path}.br`);
	} catch {
		return sizeOf(path);
	}
};
const wholeBuild = filesIn(join(SPA_DIR, '_app/immutable')).filter(
	(path) => !/\.(br|gz)$/.test(path)
);
const shell = description.shell.map((path) => join(SPA_DIR, path));
const sum = (paths: string[], size: (path: string) => number) =>
	paths.reduce((bytes, path) => bytes + size(path), 0);

// ---- the report --------------------------------------------------------------------------------

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const medianOf = (variant: Variant, pick: (bytes: Bytes) => number) =>
	median(runs[variant].map(pick));
const row = (label: string, pick: (bytes: Bytes) => number) => {
	const compressed = medianOf('compressed', pick);
	const uncompressed = medianOf('uncompressed', pick);
	return `| ${label} | ${kb(uncompressed)} | ${kb(compressed)} | ${(compressed / uncompressed).toFixed(2)} |`;
};
const [low, high] = range(ratios);
const sameEveryRound = (variant: Variant) =>
	new Set(runs[variant].map(total)).size === 1
		? 'the same in every round'
		: 'varying by a few bytes of headers';

writeSection(
	'assets',
	`## Assets on the wire (\`npm run bench:assets\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, Chromium ${chromium}, over the
running server (\`createApp\`, loopback), with the ${description.developerPages ? 'development build (developer pages included: run `npm run build` for the production one)' : 'production build (`npm run build`)'}.

### The Project Users page, cold

One load of Project Users (a ${MEMBERS}-member project) in a fresh browser context: no HTTP cache
and no service worker (which would download the app shell beside the page). Bytes as Chromium's
network layer received them (\`encodedDataLength\`: bodies as sent, and headers), until the
network is idle; the project document comes over the WebSocket and is not counted.
*Uncompressed* is the same server and build asked with \`Accept-Encoding: identity\`: what every
browser received before the build was precompressed. ${ROUNDS} rounds, each loading both, the one
that goes first alternating; medians (the totals were ${sameEveryRound('compressed')} compressed,
${sameEveryRound('uncompressed')} uncompressed).

| What | Uncompressed | Compressed (brotli) | Compressed / uncompressed |
|---|---|---|---|
${row('Scripts', (bytes) => bytes.Script)}
${row('Styles', (bytes) => bytes.Stylesheet)}
${row('The page (index.html)', (bytes) => bytes.Document)}
${row('Everything else (icon, manifest, API answers)', (bytes) => bytes.other)}
${row('**Total**', total)}

Compressed / uncompressed, per round: ${ratios.map((ratio) => ratio.toFixed(3)).join(', ')} (range ${low.toFixed(3)} – ${high.toFixed(3)}).

### What the service worker downloads at install

From the build's files (each file's brotli copy, as the server sends it to a browser that takes
brotli): the app shell the worker keeps (\`_app/build.json\`: the console's pages, not the
developer pages, the embed route nor chunks loaded only when asked) against every script and
style of the build, which it used to download uncompressed.

| What | Files | Uncompressed | Brotli |
|---|---|---|---|
| The whole build (\`_app/immutable/\`) | ${wholeBuild.length} | ${kb(sum(wholeBuild, sizeOf))} | ${kb(sum(wholeBuild, brotliSizeOf))} |
| The app shell | ${shell.length} | ${kb(sum(shell, sizeOf))} | ${kb(sum(shell, brotliSizeOf))} |

Shell as sent / whole build uncompressed: **${(sum(shell, brotliSizeOf) / sum(wholeBuild, sizeOf)).toFixed(2)}**.
`
);
process.exit(0);
