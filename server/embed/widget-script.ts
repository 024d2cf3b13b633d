/**
 * Serves the loader script, `/embed/widget.js` (`widget.js` beside this file): read and gzipped
 * once at startup, cached by browsers for five minutes (a fix reaches portals soon), loadable by
 * any site (it is public and carries no secret).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export const WIDGET_SCRIPT_PATH = '/embed/widget.js';

const SOURCE = new URL('./widget.js', import.meta.url);

export function widgetScript(): (req: IncomingMessage, res: ServerResponse) => void {
	const plain = readFileSync(SOURCE);
	const gzipped = gzipSync(plain, { level: 9 });
	const etag = `"${createHash('sha256').update(plain).digest('base64url').slice(0, 22)}"`;
	return (req, res) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		const headers: Record<string, string | number> = {
			'Content-Type': 'text/javascript; charset=utf-8',
			'Cache-Control': 'public, max-age=300',
			ETag: etag,
			Vary: 'Accept-Encoding',
			'X-Content-Type-Options': 'nosniff',
			'Cross-Origin-Resource-Policy': 'cross-origin',
			'Access-Control-Allow-Origin': '*'
		};
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304, headers).end();
			return;
		}
		const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
		const body = gzip ? gzipped : plain;
		res.writeHead(200, {
			...headers,
			...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
			'Content-Length': body.length
		});
		res.end(req.method === 'HEAD' ? undefined : body);
	};
}

/** The script's size as served to browsers that accept gzip (the budget is 5 KB). */
export function widgetScriptGzipBytes(): number {
	return gzipSync(readFileSync(SOURCE), { level: 9 }).length;
}
