/**
 * Headers every page of the console carries. The console may not be framed by anyone (clickjacking)
 * except on the embed route, whose allowed portals are decided per request.
 */
export function securityHeaders(_pathname: string): Record<string, string> {
	return {
		'Content-Security-Policy': "frame-ancestors 'none'",
		'X-Frame-Options': 'DENY',
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		'Cross-Origin-Opener-Policy': 'same-origin'
	};
}
