/**
 * Headers of the console's responses. Every response, whatever answers it, carries
 * `X-Content-Type-Options: nosniff` (a browser never runs a JSON answer or an upload as a script
 * or a page) and, when the console is reached over HTTPS, `Strict-Transport-Security`.
 *
 * Pages also carry a Content-Security-Policy: scripts, styles, connections, images and fonts from
 * the console itself only; the one inline script (SvelteKit's bootstrap) allowed by its hash; no
 * plugins, no `<base>`, forms posted to the console only. The console may not be framed by anyone
 * (clickjacking), except the embed route by the origins of the portal it is served for: the caller
 * passes them, decided per request. X-Frame-Options cannot list origins, so the embed route goes
 * without it; browsers that know CSP (all current ones) obey `frame-ancestors` instead.
 */
import type { ServerResponse } from 'node:http';

/** A year, and the console's subdomains too: what HSTS preload lists ask for. */
const STRICT_TRANSPORT = 'max-age=31536000; includeSubDomains';

/** Sets the headers every response carries; those a handler writes itself take precedence. */
export function setBaselineHeaders(res: ServerResponse, publicUrl: string): void {
	res.setHeader('X-Content-Type-Options', 'nosniff');
	// Over plain HTTP browsers ignore the header; the console's own address says whether it is
	// reached over HTTPS (a proxy in front of it may end TLS, so the socket cannot tell).
	if (publicUrl.startsWith('https:')) res.setHeader('Strict-Transport-Security', STRICT_TRANSPORT);
}

export interface PagePolicy {
	/** The origins that may frame the page (the embed route's portal); null or none: nobody. */
	frameAncestors?: readonly string[] | null;
	/** CSP sources of the page's inline scripts, `'sha256-…'`. */
	inlineScripts?: readonly string[];
	/** The console's own origin, whose ws:// or wss:// twin the sync connections go to. */
	origin?: string;
	/**
	 * The page answers the window that opened it (the embedded widget's consent window): COOP
	 * `same-origin` would cut it off from an opener inside a portal's page.
	 */
	keepOpener?: boolean;
}

export function securityHeaders(policy: PagePolicy = {}): Record<string, string> {
	const framed = policy.frameAncestors && policy.frameAncestors.length > 0;
	return {
		'Content-Security-Policy': contentSecurityPolicy(policy),
		...(framed ? {} : { 'X-Frame-Options': 'DENY' }),
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		'Cross-Origin-Opener-Policy': policy.keepOpener ? 'unsafe-none' : 'same-origin'
	};
}

export function contentSecurityPolicy(policy: PagePolicy): string {
	const ancestors = policy.frameAncestors?.length ? policy.frameAncestors : ["'none'"];
	const directives: Record<string, readonly string[]> = {
		'default-src': ["'self'"],
		'script-src': ["'self'", ...(policy.inlineScripts ?? [])],
		// Svelte and SvelteKit set a few inline style attributes (the route announcer, the body's
		// wrapper); inline <style> elements stay refused.
		'style-src': ["'self'"],
		'style-src-attr': ["'unsafe-inline'"],
		// 'self' covers ws:// and wss:// of the same host in CSP 3; the explicit origin is for
		// browsers that predate it.
		'connect-src': ["'self'", ...(policy.origin ? [webSocketOrigin(policy.origin)] : [])],
		'object-src': ["'none'"],
		'base-uri': ["'none'"],
		'form-action': ["'self'"],
		'frame-ancestors': ancestors
	};
	return Object.entries(directives)
		.map(([name, sources]) => `${name} ${sources.join(' ')}`)
		.join('; ');
}

function webSocketOrigin(origin: string): string {
	return origin.replace(/^http/, 'ws');
}
