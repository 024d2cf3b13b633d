/**
 * Headers every page of the console carries. The console may not be framed by anyone
 * (clickjacking), except the embed route by the origins of the portal it is served for: the caller
 * passes them, decided per request. X-Frame-Options cannot list origins, so the embed route goes
 * without it; browsers that know CSP (all current ones) obey `frame-ancestors` instead.
 */
export function securityHeaders(
	frameAncestors: readonly string[] | null = null,
	/**
	 * The page answers the window that opened it (the embedded widget's consent window): COOP
	 * `same-origin` would cut it off from an opener inside a portal's page.
	 */
	keepOpener = false
): Record<string, string> {
	const framing: Record<string, string> =
		frameAncestors && frameAncestors.length > 0
			? { 'Content-Security-Policy': `frame-ancestors ${frameAncestors.join(' ')}` }
			: { 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' };
	return {
		...framing,
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		'Cross-Origin-Opener-Policy': keepOpener ? 'unsafe-none' : 'same-origin'
	};
}
