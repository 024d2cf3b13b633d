/**
 * Serves the built SPA from `build/`: files as they are, hashed assets cached for a year, and
 * every other path answered with index.html so that the client-side router takes over. Pages are
 * served with a Content-Security-Policy that allows their inline scripts by hash, computed from
 * the page itself (SvelteKit's bootstrap script changes with every build).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';
import type { Log } from '../observability/log';
import { securityHeaders } from './security-headers';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.woff2': 'font/woff2'
};

export interface StaticOptions {
	/** The origins that may frame this page (the embed route's portal); null: nobody. */
	frameAncestorsFor?: (url: URL) => readonly string[] | null;
	/** The console's own origin, for the pages' `connect-src` (known once it listens). */
	origin?: () => string;
	/** Whether the page must keep the window that opened it (see `securityHeaders`). */
	keepsOpener?: (url: URL) => boolean;
}

export function staticFiles(root: string, options: StaticOptions = {}) {
	const fallback = join(root, 'index.html');
	const pages = new PageCache();
	/** `log`: the request's. */
	return function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, log: Log): void {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		const file = resolveFile(root, url.pathname) ?? (existsSync(fallback) ? fallback : null);
		if (!file) {
			res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end(
				'The console has not been built yet: run `npm run build`, or start it with `npm start`.'
			);
			return;
		}
		let stats: Stats;
		let page: Page | null;
		try {
			stats = statSync(file);
			page = extname(file) === '.html' ? pages.read(file, stats) : null;
		} catch (error) {
			// The build was replaced between finding the file and reading it.
			log.error({ err: error, file }, 'could not read a file of the build');
			res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' });
			res.end('The console is being updated. Try again in a moment.');
			return;
		}
		const immutable = url.pathname.startsWith('/_app/immutable/');
		res.writeHead(200, {
			'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
			'Content-Length': page?.bytes.length ?? stats.size,
			'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
			...securityHeaders({
				frameAncestors: options.frameAncestorsFor?.(url) ?? null,
				inlineScripts: page?.inlineScripts ?? [],
				origin: options.origin?.(),
				keepOpener: options.keepsOpener?.(url) ?? false
			})
		});
		if (req.method === 'HEAD') res.end();
		else if (page) res.end(page.bytes);
		// A read error after the head is sent can only cut the response short.
		else pipeline(createReadStream(file), res, () => {});
	};
}

interface Page {
	bytes: Buffer;
	/** CSP sources of the page's inline scripts, `'sha256-…'`. */
	inlineScripts: string[];
}

/** An inline script: a <script> element without `src`, and its text. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/**
 * Pages read once and kept with the hashes of their inline scripts, read again when the file
 * changes (a new build under a running server). The page is served from the bytes that were
 * hashed, so its policy always fits it.
 */
class PageCache {
	readonly #pages = new Map<string, Page & { version: string }>();

	read(file: string, stats: Stats): Page {
		const version = `${stats.mtimeMs}:${stats.size}`;
		const cached = this.#pages.get(file);
		if (cached?.version === version) return cached;
		const bytes = readFileSync(file);
		const page = { bytes, inlineScripts: inlineScriptHashes(bytes.toString('utf8')), version };
		this.#pages.set(file, page);
		return page;
	}
}

function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(INLINE_SCRIPT)].map(([, text]) => {
		// Browsers hash the script's text as parsed, and the HTML parser turns CRLF into LF.
		const normalized = text!.replace(/\r\n?/g, '\n');
		return `'sha256-${createHash('sha256').update(normalized, 'utf8').digest('base64')}'`;
	});
}

/** The file under `root` that the path names, never one outside it. */
function resolveFile(root: string, pathname: string): string | null {
	let decoded: string;
	try {
		decoded = decodeURIComponent(pathname);
	} catch {
		return null;
	}
	const candidate = normalize(join(root, decoded));
	if (candidate !== root && !candidate.startsWith(root + sep)) return null;
	if (isFile(candidate)) return candidate;
	const html = `${candidate}.html`;
	return isFile(html) ? html : null;
}

/** Whether a regular file is there; a name the file system refuses (NUL, too long) is none. */
function isFile(path: string): boolean {
	try {
		return statSync(path).isFile();
	} catch {
		return false;
	}
}
