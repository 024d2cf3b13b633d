/**
 * How a session token travels: in a cookie for the console itself (HttpOnly, so scripts cannot
 * read it; SameSite=Lax, so other sites cannot send it with their POSTs), or in an
 * `Authorization: Bearer` header for an embedded widget, which has no first-party cookie.
 * Over HTTPS the cookie is `Secure` and named `__Host-session`: the prefix makes browsers refuse
 * it unless it was set by this very host, with Path=/ and no Domain, so a sibling subdomain cannot
 * plant a session of its own.
 */
import type { IncomingMessage } from 'node:http';

/** The part of the app's Site these functions need: where people reach the console. */
export interface SiteUrl {
	url: string;
}

const PLAIN_NAME = 'session';
const HOST_NAME = '__Host-session';

export function sessionCookieName(site: SiteUrl): string {
	return hostCookieName(site, PLAIN_NAME);
}

/**
 * The name of a cookie of this host only, as the session's is: `__Host-` prefixed over HTTPS.
 * The identity provider sign-in's `sign-in-flow` cookie is another.
 */
export function hostCookieName(site: SiteUrl, name: string): string {
	return isSecure(site) ? `__Host-${name}` : name;
}

/**
 * The Set-Cookie value of such a cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS, and
 * `lifetime` (`Expires=…` or `Max-Age=…`).
 */
export function hostCookie(site: SiteUrl, name: string, value: string, lifetime: string): string {
	const attributes = [
		`${hostCookieName(site, name)}=${value}`,
		'HttpOnly',
		'SameSite=Lax',
		'Path=/'
	];
	if (isSecure(site)) attributes.push('Secure');
	return [...attributes, lifetime].join('; ');
}

/**
 * The token a request presents: the bearer token if there is one, else the session cookie.
 * Pass `cookieName` (from `sessionCookieName`) to accept only the cookie this deployment sets;
 * without it `__Host-session` is preferred and `session` accepted.
 */
export function readSessionToken(req: IncomingMessage, cookieName?: string): string | null {
	const authorization = req.headers.authorization;
	if (authorization) {
		const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
		return match ? match[1]! : null;
	}
	const cookies = parseCookies(req.headers.cookie ?? '');
	if (cookieName) return cookies.get(cookieName) ?? null;
	return cookies.get(HOST_NAME) ?? cookies.get(PLAIN_NAME) ?? null;
}

/**
 * The Set-Cookie value for a session just created: `sessionCookie(site, createSession(...))`.
 * The cookie lasts until the session's absolute end; the idle deadline is enforced by the
 * server, so the cookie need not be rewritten each time the session is used.
 */
export function sessionCookie(
	site: SiteUrl,
	created: { token: string; session: { absoluteExpiresAt: number } }
): string {
	const expires = new Date(created.session.absoluteExpiresAt).toUTCString();
	return hostCookie(site, PLAIN_NAME, created.token, `Expires=${expires}`);
}

export function clearedSessionCookie(site: SiteUrl): string {
	return hostCookie(site, PLAIN_NAME, '', 'Max-Age=0');
}

function isSecure(site: SiteUrl): boolean {
	return site.url.startsWith('https:');
}

/** The value of the request's cookie of that name, if it sent one. */
export function readCookie(req: IncomingMessage, name: string): string | null {
	return parseCookies(req.headers.cookie ?? '').get(name) ?? null;
}

function parseCookies(header: string): Map<string, string> {
	const cookies = new Map<string, string>();
	for (const pair of header.split(';')) {
		const index = pair.indexOf('=');
		if (index < 0) continue;
		const name = pair.slice(0, index).trim();
		// The first cookie of a name wins, as browsers send the most specific path first.
		if (!cookies.has(name)) cookies.set(name, pair.slice(index + 1).trim());
	}
	return cookies;
}
