/**
 * Serves the built SPA from `build/`: files as they are, hashed assets cached for a year, and
 * every other path answered with index.html so that the client-side router takes over.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
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
	/** Whether the page must keep the window that opened it (see `securityHeaders`). */
	keepsOpener?: (url: URL) => boolean;
}

export function staticFiles(root: string, options: StaticOptions = {}) {
	const fallback = join(root, 'index.html');
	return function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
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
		const immutable = url.pathname.startsWith('/_app/immutable/');
		res.writeHead(200, {
			'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
			'Content-Length': statSync(file).size,
			'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
			...securityHeaders(
				options.frameAncestorsFor?.(url) ?? null,
				options.keepsOpener?.(url) ?? false
			)
		});
		if (req.method === 'HEAD') res.end();
		else createReadStream(file).pipe(res);
	};
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
	if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	const html = `${candidate}.html`;
	return existsSync(html) && statSync(html).isFile() ? html : null;
}
