/**
 * Cross-site request forgery defence for a cookie-authenticated API and the sync endpoint: a
 * state-changing request must say where it comes from (Origin, or Sec-Fetch-Site from browsers
 * that send it) and that must be the console's own origin or one configured as allowed.
 */
import type { IncomingMessage } from 'node:http';
import { fail } from '../../src/lib/shared/outcome';
import { httpErrorOf } from './failure-status';

export interface OriginPolicy {
	/** Origins allowed to send state-changing requests, e.g. "https://console.example.org". */
	isAllowed(origin: string): boolean;
}

export function originPolicy(allowed: () => Iterable<string>): OriginPolicy {
	return { isAllowed: (origin) => [...allowed()].includes(origin) };
}

export function requestOrigin(req: IncomingMessage): string | undefined {
	const origin = req.headers.origin;
	return origin && origin !== 'null' ? origin : undefined;
}

export function checkRequestOrigin(req: IncomingMessage, policy: OriginPolicy): void {
	const origin = requestOrigin(req);
	if (origin !== undefined) {
		if (policy.isAllowed(origin)) return;
		throw httpErrorOf(fail('cross-origin', 'Requests from other sites are not accepted.'));
	}
	if (req.headers['sec-fetch-site'] === 'same-origin') return;
	throw httpErrorOf(
		fail('origin-required', 'The request must come from the console (no Origin header was sent).')
	);
}
