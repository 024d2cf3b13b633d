/**
 * The request target (`req.url`) and the path segments in it, parsed without throwing: a target
 * or a segment that does not parse is the client's mistake, answered with 400, never an exception
 * that ends the process (`new URL('//[', base)` and `decodeURIComponent('%E0%A4%A')` both throw).
 */

/** Targets are parsed against a fixed origin: only their path and query are ever used. */
const BASE = 'http://localhost';

/**
 * The target as a URL, or null when it is neither a path (`/…`; `//…` would name another host)
 * nor an absolute http(s) URL (the absolute form, which HTTP/1.1 servers must accept).
 */
export function parseRequestTarget(target: string | undefined): URL | null {
	if (target === undefined) return null;
	try {
		if (target.startsWith('/')) return target.startsWith('//') ? null : new URL(BASE + target);
		const url = new URL(target);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
	} catch {
		return null;
	}
}

/** A percent-encoded path segment decoded, or null when its encoding is broken. */
export function decodePathSegment(segment: string): string | null {
	try {
		return decodeURIComponent(segment);
	} catch {
		return null;
	}
}

/** The body of the 400 for a target that does not parse. */
export const BAD_REQUEST_TARGET = {
	error: {
		code: 'bad-request-target',
		message: 'The request’s path is not a valid URL path.'
	}
} as const;
