/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Keeps the console's app shell so that the console opens offline; the documents themselves come
 * from IndexedDB. The shell is index.html, the static files, and what the build lists in
 * `/_app/build.json` (scripts/build/build-description.ts): SvelteKit's entry and the console's
 * pages with their chunks and styles, not the developer pages nor the embedded widget's. Any other
 * file of the build (a chunk loaded only when asked) is kept once it has been fetched. Pages are
 * fetched from the network first and fall back to the cached shell, since every page of this SPA
 * is that one index.html. The API and the sync endpoint are never cached.
 */
import { build, files, version } from '$service-worker';

const worker = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `console-shell-${version}`;
const SHELL = '/index.html';
const DESCRIPTION = '/_app/build.json';
/** Every file of this build and the static files: what may be served from the cache. */
const ASSETS = new Set([...build, ...files]);

/** The build's shell; none under the development server, which has no build to describe. */
async function shellOfTheBuild(): Promise<string[]> {
	const response = await fetch(DESCRIPTION, { cache: 'no-cache' });
	if (response.status === 404) return [];
	if (!response.ok) throw new Error(`${DESCRIPTION}: ${response.status}`);
	const description = (await response.json()) as { shell: string[] };
	return description.shell;
}

worker.addEventListener('install', (event) => {
	event.waitUntil(
		Promise.all([caches.open(CACHE), shellOfTheBuild()])
			.then(([cache, shell]) => cache.addAll([SHELL, ...files, ...shell]))
			.then(() => worker.skipWaiting())
	);
});

worker.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) =>
				Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))
			)
			.then(() => worker.clients.claim())
	);
});

/** The file from the cache, or fetched and kept: its name changes with its content. */
async function cachedOrKept(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const cached = await cache.match(request);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok) await cache.put(request, response.clone());
	return response;
}

worker.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== worker.location.origin) return;
	if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/')) return;
	if (ASSETS.has(url.pathname)) {
		event.respondWith(cachedOrKept(request));
		return;
	}
	if (request.mode === 'navigate') {
		event.respondWith(
			fetch(request).catch(async () => (await caches.match(SHELL)) ?? Response.error())
		);
	}
});
