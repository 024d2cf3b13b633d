/**
 * `/metrics`, kept from the public: metrics tell how busy the server is, who is refused and why,
 * which is for the operator, not for everyone. It is served
 * - on the console's own port, only with `Authorization: Bearer <METRICS_TOKEN>`, the token
 *   compared in constant time (as digests, so that not even its length shows);
 * - on `METRICS_PORT`, a second listener bound to 127.0.0.1, which only the machine itself can
 *   reach (a Prometheus agent beside the server); the token is asked there too when it is set.
 * With neither set, there is no /metrics and nothing is measured (docs/operations.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Log } from './log';
import type { MetricsRegistry } from './metrics';

export const METRICS_PATH = '/metrics';

export type MetricsRoute = (req: IncomingMessage, res: ServerResponse) => void;

export function metricsRoute(
	metrics: MetricsRegistry,
	token: string | null,
	log: Log
): MetricsRoute {
	const expected = token === null ? null : digest(token);
	return (req, res) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		if (expected && !presentsToken(req, expected)) {
			res.writeHead(401, {
				'WWW-Authenticate': 'Bearer realm="metrics"',
				'Content-Type': 'text/plain; charset=utf-8',
				'Cache-Control': 'no-store'
			});
			res.end('The metrics need the bearer token (METRICS_TOKEN).\n');
			return;
		}
		metrics.exposition().then(
			(text) => {
				res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
				res.end(req.method === 'HEAD' ? undefined : text);
			},
			(error: unknown) => {
				log.error({ err: error }, 'collecting the metrics failed');
				res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end();
			}
		);
	};
}

/** The listener on METRICS_PORT: /metrics and nothing else. */
export function metricsServer(route: MetricsRoute): Server {
	return createServer((req, res) => {
		if ((req.url ?? '').split('?')[0] === METRICS_PATH) return route(req, res);
		res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found.\n');
	});
}

function presentsToken(req: IncomingMessage, expected: Buffer): boolean {
	const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
	return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function digest(value: string): Buffer {
	return createHash('sha256').update(value).digest();
}
