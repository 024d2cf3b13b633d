/**
 * `GET /api/dev/outbox`: the newest messages of the local outbox, for a developer who follows an
 * invitation or a sign-in link on one machine without a mail server. The messages hold working
 * sign-in links, so the route exists only when `Config.showOutbox` is on, and answers only
 * clients on this machine (loopback), even if the server listens on other interfaces.
 */
import { HttpError } from '../http/errors';
import type { Router } from '../http/router';
import type { Db } from '../db/database';
import { listRecentMessages } from './outbox';

/** Enough to find the last few flows' messages; older ones are in the database. */
const RECENT = 50;

export function registerDevOutboxRoute(router: Router, db: Db): void {
	router.add('GET', '/api/dev/outbox', (request) => {
		if (!isLoopback(request.ip)) {
			throw new HttpError(403, 'outbox-local-only', 'The outbox is shown only on this machine.');
		}
		return { body: { messages: listRecentMessages(db, RECENT) } };
	});
}

function isLoopback(ip: string): boolean {
	return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
