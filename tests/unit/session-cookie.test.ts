import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
	clearedSessionCookie,
	readSessionToken,
	sessionCookie,
	sessionCookieName
} from '../../server/auth/session-cookie';

function request(headers: Record<string, string>): IncomingMessage {
	return { headers } as unknown as IncomingMessage;
}

describe('the session cookie', () => {
	const created = { token: 'id.secret', session: { absoluteExpiresAt: Date.UTC(2025, 1, 14, 9) } };

	it('is HttpOnly, SameSite=Lax and for the whole site over HTTP', () => {
		expect(sessionCookie({ url: 'http://localhost:3000' }, created)).toBe(
			'session=id.secret; HttpOnly; SameSite=Lax; Path=/; Expires=Fri, 14 Feb 2025 09:00:00 GMT'
		);
	});

	it('is Secure and __Host- prefixed over HTTPS', () => {
		const site = { url: 'https://console.example.org' };
		expect(sessionCookieName(site)).toBe('__Host-session');
		expect(sessionCookie(site, created)).toBe(
			'__Host-session=id.secret; HttpOnly; SameSite=Lax; Path=/; Secure; Expires=Fri, 14 Feb 2025 09:00:00 GMT'
		);
		expect(clearedSessionCookie(site)).toBe(
			'__Host-session=; HttpOnly; SameSite=Lax; Path=/; Secure; Max-Age=0'
		);
	});

	it('is read from the cookie header among other cookies', () => {
		const req = request({ cookie: 'theme=dark; session=abc.def; other=1' });
		expect(readSessionToken(req)).toBe('abc.def');
	});

	it('prefers a bearer token, for an embedded widget', () => {
		const req = request({ authorization: 'Bearer bearer.token', cookie: 'session=cookie.token' });
		expect(readSessionToken(req)).toBe('bearer.token');
	});

	it('reads only the named cookie when told which one this deployment sets', () => {
		const req = request({ cookie: 'session=planted.token' });
		expect(readSessionToken(req, '__Host-session')).toBeNull();
		expect(readSessionToken(req)).toBe('planted.token');
	});

	it('reads nothing from a request without a token', () => {
		expect(readSessionToken(request({}))).toBeNull();
		expect(readSessionToken(request({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeNull();
	});
});
