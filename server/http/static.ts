/**
 * Serves the built SPA from `build/`.
 *
 * Files (scripts, styles, icons, the service worker) go through sirv: the brotli or gzip copy the
 * build made beside each one (adapter-static `precompress`) when the browser accepts it, with
 * `Vary: Accept-Encoding` and an ETag (a 304 when If-None-Match still matches). Hashed files
 * under /_app/immutable/ never change, so browsers keep them for a year without asking again;
 * every other file is `no-cache`: kept, but revalidated by its ETag before each use.
 *
 * Every other path is a page: index.html, so that the client-side router takes over, served with
 * a Content-Security-Policy that allows its inline scripts by hash, computed from the page itself
 * (SvelteKit's bootstrap script changes with every build), compressed once per build and
 * revalidated by its ETag (`no-cache`). The developer pages (/dev/...) are 404 outside
 * development.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import sirv from 'sirv';
import type { Log } from '../observability/log';
import { securityHeaders } from './security-headers';

export interface StaticOptions {
	/** The origins that may frame this page (the embed route's portal); null: nobody. */
	frameAncestorsFor?: (url: URL) => readonly string[] | null;
	/** The console's own origin, for the pages' `connect-src` (known once it listens). */
	origin?: () => string;
	/** Whether the page must keep the window that opened it (see `securityHeaders`). */
	keepsOpener?: (url: URL) => boolean;
	/** Whether the developer pages (/dev/...) are served; otherwise they are 404. */
	developerPages?: boolean;
}

/** Hashed by the build: a new build names its files anew, so they may be kept for good. */
const IMMUTABLE = '/_app/immutable/';
const KEPT_FOR_A_YEAR = 'public, max-age=31536000, immutable';
const REVALIDATED = 'no-cache';

export function staticFiles(root: string, options: StaticOptions = {}) {
	const pages = new PageCache(join(root, 'index.html'));
	const files = sirv(root, {
		// Looks each file up when asked rather than listing the directory once at startup: a new
		// build may replace build/ under a running server (`npm start` builds when sources changed).
		dev: true,
		etag: true,
		brotli: true,
		gzip: true,
		// Pages never come from sirv: they need their Content-Security-Policy (below).
		extensions: [],
		setHeaders: (res) => {
			for (const [name, value] of Object.entries(securityHeaders())) res.setHeader(name, value);
		}
	});

	function servePage(res: ServerResponse, req: IncomingMessage, url: URL, log: Log): void {
		let page: Page | null;
		try {
			page = pages.read();
		} catch (error) {
			// The build was replaced between finding the page and reading it.
			log.error({ err: error }, 'could not read the built index.html');
			res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' });
			res.end('The console is being updated. Try again in a moment.');
			return;
		}
		if (!page) {
			res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end(
				'The console has not been built yet: run `npm run build`, or start it with `npm start`.'
			);
			return;
		}
		const encoding = preferredEncoding(req.headers['accept-encoding']);
		const variant = page.variants[encoding];
		const headers = {
			'Content-Type': 'text/html; charset=utf-8',
			'Cache-Control': REVALIDATED,
			Vary: 'Accept-Encoding',
			ETag: variant.etag,
			...securityHeaders({
				frameAncestors: options.frameAncestorsFor?.(url) ?? null,
				inlineScripts: page.inlineScripts,
				origin: options.origin?.(),
				keepOpener: options.keepsOpener?.(url) ?? false
			})
		};
		if (etagMatches(req.headers['if-none-match'], variant.etag)) {
			res.writeHead(304, headers).end();
			return;
		}
		res.writeHead(200, {
			...headers,
			...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
			'Content-Length': variant.bytes.length
		});
		res.end(req.method === 'HEAD' ? undefined : variant.bytes);
	}

	/** `log`: the request's. */
	return function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, log: Log): void {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		if (!options.developerPages && isDeveloperPage(url.pathname)) {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('There is no such page.');
			return;
		}
		if (url.pathname.endsWith('.html')) return servePage(res, req, url, log);
		// Set before sirv answers, so that its 304s carry them too; a page answered instead (below)
		// has the same.
		const immutable = url.pathname.startsWith(IMMUTABLE);
		res.setHeader('Cache-Control', immutable ? KEPT_FOR_A_YEAR : REVALIDATED);
		res.setHeader('Vary', 'Accept-Encoding');
		// sirv opens a byte range without checking it (start past end throws); the console's
		// files are small enough to send whole.
		delete req.headers.range;
		files(req, res, () => {
			if (url.pathname.startsWith('/_app/')) {
				// A file of another build (an old tab asking for a chunk that is gone): not a page.
				res.setHeader('Cache-Control', REVALIDATED);
				res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
				res.end('There is no such file.');
				return;
			}
			servePage(res, req, url, log);
		});
	};
}

/**
 * Whether the build in `root` has the developer pages: the production build has none
 * (`_app/build.json`, written by scripts/build/build-description.ts).
 */
export function hasDeveloperPages(root: string): boolean {
	try {
		const description = JSON.parse(readFileSync(join(root, '_app/build.json'), 'utf8')) as {
			developerPages?: unknown;
		};
		return description.developerPages === true;
	} catch {
		return false;
	}
}

function isDeveloperPage(pathname: string): boolean {
	return pathname === '/dev' || pathname.startsWith('/dev/');
}

type Encoding = 'br' | 'gzip' | 'identity';

/** Brotli when the browser takes it (every current one over HTTP/1.1 and 2), else gzip. */
function preferredEncoding(acceptEncoding: string | undefined): Encoding {
	const accepted = acceptEncoding ?? '';
	if (/\bbr\b/.test(accepted)) return 'br';
	if (/\bgzip\b/.test(accepted)) return 'gzip';
	return 'identity';
}

/** Whether If-None-Match names the representation (a list, `*`, or weak forms of it). */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
	if (!ifNoneMatch) return false;
	return ifNoneMatch
		.split(',')
		.map((tag) => tag.trim().replace(/^W\//, ''))
		.some((tag) => tag === '*' || tag === etag);
}

interface Variant {
	bytes: Buffer;
	etag: string;
}

interface Page {
	/** The page as built, and compressed both ways, each with its own ETag. */
	variants: Record<Encoding, Variant>;
	/** CSP sources of the page's inline scripts, `'sha256-…'`. */
	inlineScripts: string[];
}

/** An inline script: a <script> element without `src`, and its text. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/**
 * The page, read once and kept with the hashes of its inline scripts and its compressed copies,
 * read again when the file changes (a new build under a running server). The page is served from
 * the bytes that were hashed, so its policy always fits it.
 */
class PageCache {
	readonly #file: string;
	#cached: (Page & { version: string }) | null = null;

	constructor(file: string) {
		this.#file = file;
	}

	/** The page, or null when there is no build. */
	read(): Page | null {
		const stats = statSync(this.#file, { throwIfNoEntry: false });
		if (!stats) return null;
		const version = `${stats.mtimeMs}:${stats.size}`;
		if (this.#cached?.version === version) return this.#cached;
		const bytes = readFileSync(this.#file);
		const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
		const variant = (encoding: Encoding, encoded: Buffer): Variant => ({
			bytes: encoded,
			etag: `"${hash}${encoding === 'identity' ? '' : `-${encoding}`}"`
		});
		this.#cached = {
			version,
			inlineScripts: inlineScriptHashes(bytes.toString('utf8')),
			variants: {
				identity: variant('identity', bytes),
				br: variant(
					'br',
					brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
				),
				gzip: variant('gzip', gzipSync(bytes, { level: 9 }))
			}
		};
		return this.#cached;
	}
}

function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(INLINE_SCRIPT)].map(([, text]) => {
		// Browsers hash the script's text as parsed, and the HTML parser turns CRLF into LF.
		const normalized = text!.replace(/\r\n?/g, '\n');
		return `'sha256-${createHash('sha256').update(normalized, 'utf8').digest('base64')}'`;
	});
}
