/**
 * `GET /api/dev/outbox`: the newest messages of the local outbox, for a developer who follows an
 * invitation or a sign-in link on one machine without a mail server. The messages hold working
 * sign-in links, so the route exists only when `Config.developerRoutes` is on (development), and answers only
 * clients on this machine (loopback), even if the server listens on other interfaces, and only
 * at the console's own address: a page on another site whose name the attacker points at
 * 127.0.0.1 (DNS rebinding) reaches the server from loopback, but with its own name in `Host`.
 */
import type { SiteUrl } from '../auth/session-cookie';
import { fail } from '../../src/lib/shared/outcome';
import { httpErrorOf } from '../http/failure-status';
import type { Router } from '../http/router';
import type { Db } from '../db/database';
import { listRecentMessages } from '../mail/outbox';
import { API } from '../../src/lib/shared/api-contract';

/** Enough to find the last few flows' messages; older ones are in the database. */
const RECENT = 50;

export function registerDevOutboxRoute(router: Router, db: Db, site: SiteUrl): void {
	router.add(API.listOutbox, (request) => {
		if (!isLoopback(request.ip)) {
			throw httpErrorOf(fail('outbox-local-only', 'The outbox is shown only on this machine.'));
		}
		if (!isConsoleHost(request.header('host'), site)) {
			throw httpErrorOf(
				fail('outbox-wrong-host', 'The outbox is shown only at the console’s own address.')
			);
		}
		return { body: { messages: listRecentMessages(db, RECENT) } };
	});
}

function isLoopback(ip: string): boolean {
	return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** Whether `Host` names the console as its address does (host names are case-insensitive). */
function isConsoleHost(host: string | undefined, site: SiteUrl): boolean {
	return host !== undefined && host.toLowerCase() === new URL(site.url).host;
}
