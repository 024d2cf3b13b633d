/**
 * One log line per request, once it is answered (or the client went away): method, path, status
 * and duration, under the request's id. Never the query string, which may carry a token (the
 * embedded widget's). API requests are logged at info, the SPA's files at debug: they are many,
 * alike, and a proxy in front logs them anyway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '../observability/log';

export function logAnswer(
	req: IncomingMessage,
	res: ServerResponse,
	url: URL | null,
	log: Log
): void {
	const started = performance.now();
	res.once('close', () => {
		const path = url?.pathname ?? null;
		const answered = {
			method: req.method,
			path,
			status: res.statusCode,
			durationMs: Math.round((performance.now() - started) * 10) / 10,
			...(res.writableFinished ? {} : { aborted: true })
		};
		if (path?.startsWith('/api/')) log.info(answered, 'request');
		else log.debug(answered, 'request');
	});
}
