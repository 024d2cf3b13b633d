import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, routeUrl } from '../../src/lib/api';
import { describeFailure } from '../../src/lib/failure-wording';
import { API } from '../../src/lib/shared';

const signInWithPassword = (email: string, password: string) =>
	call(API.signInWithPassword, { body: { email, password } });
const requestSignInLink = (email: string) => call(API.requestSignInLink, { body: { email } });
const getSession = () => call(API.getSession);

function answer(status: number, body?: unknown, headers: Record<string, string> = {}) {
	const init = {
		status,
		headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers }
	};
	return vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), init));
}

afterEach(() => vi.unstubAllGlobals());

describe('the API client', () => {
	it('sends JSON with the session cookie and returns the data', async () => {
		const fetch = answer(200, { account: { id: 'a1', email: 'ana@aurora.example.edu' } });
		vi.stubGlobal('fetch', fetch);
		const result = await signInWithPassword('ana@aurora.example.edu', 'correct horse');
		expect(result).toEqual({
			ok: true,
			data: { account: { id: 'a1', email: 'ana@aurora.example.edu' } }
		});
		const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
		expect(path).toBe('/api/auth/password');
		expect(init.method).toBe('POST');
		expect(init.credentials).toBe('same-origin');
		expect(JSON.parse(init.body as string)).toEqual({
			email: 'ana@aurora.example.edu',
			password: 'correct horse'
		});
	});

	it('accepts a 202 without a body', async () => {
		vi.stubGlobal('fetch', answer(202));
		expect(await requestSignInLink('ana@aurora.example.edu')).toMatchObject({ ok: true });
	});

	it("returns the server's error as a value, fields included", async () => {
		vi.stubGlobal(
			'fetch',
			answer(400, {
				error: {
					code: 'invalid-input',
					message: 'Some fields are not valid.',
					fields: { email: ['Enter a valid email address'] }
				}
			})
		);
		expect(await requestSignInLink('nope')).toEqual({
			ok: false,
			status: 400,
			code: 'invalid-input',
			message: 'Some fields are not valid.',
			fields: { email: ['Enter a valid email address'] }
		});
	});

	it('says how long to wait when rate limited', async () => {
		vi.stubGlobal(
			'fetch',
			answer(
				429,
				{ error: { code: 'rate-limited', message: 'Too many attempts.' } },
				{ 'Retry-After': '120' }
			)
		);
		const result = await signInWithPassword('ana@aurora.example.edu', 'guess');
		expect(result).toMatchObject({ ok: false, code: 'rate-limited', retryAfterSeconds: 120 });
		expect(!result.ok && describeFailure(result)).toBe(
			'Too many attempts. Try again in 2 minutes.'
		);
	});

	it("words a rate limit once, from the error's data, never after the server's own sentence", async () => {
		vi.stubGlobal(
			'fetch',
			answer(
				429,
				{
					error: {
						code: 'rate-limited',
						message: 'Too many attempts. Try again in 60 seconds.',
						data: { retryAfterSeconds: 60 }
					}
				},
				{ 'Retry-After': '60' }
			)
		);
		const result = await requestSignInLink('ana@aurora.example.edu');
		expect(!result.ok && describeFailure(result)).toBe('Too many attempts. Try again in 1 minute.');
	});

	it("shows the server's message for a code the console does not word", async () => {
		vi.stubGlobal(
			'fetch',
			answer(409, {
				error: { code: 'email-taken', message: 'Another account now uses this address.' }
			})
		);
		const result = await call(API.confirmEmailChange, { body: { token: 't' } });
		expect(!result.ok && describeFailure(result)).toBe('Another account now uses this address.');
	});

	it('fills path parameters, percent-encoded, and leaves empty query values out', async () => {
		const fetch = answer(204);
		vi.stubGlobal('fetch', fetch);
		await call(API.revokePortal, { params: { consortiumId: 'c/1', portalId: 'p 2' } });
		const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
		expect(path).toBe('/api/consortia/c%2F1/portals/p%202');
		expect(init.method).toBe('DELETE');
		expect(
			routeUrl(API.downloadAuditCsv, { params: { id: 'p1' }, query: { root: '', author: 'a1' } })
		).toBe('/api/projects/p1/audit.csv?author=a1');
	});

	it('sends no cookie when the widget calls with its token, or with none', async () => {
		const fetch = answer(204);
		vi.stubGlobal('fetch', fetch);
		await call(API.signOut, { bearer: 'token-1' });
		await call(API.signOut, { bearer: null });
		const [first, second] = fetch.mock.calls as unknown as [string, RequestInit][];
		expect(first![1].credentials).toBe('omit');
		expect((first![1].headers as Record<string, string>).Authorization).toBe('Bearer token-1');
		expect(second![1].credentials).toBe('omit');
		expect((second![1].headers as Record<string, string>).Authorization).toBeUndefined();
	});

	it('reports an unreachable server and a page where JSON was expected as failures, never throws', async () => {
		vi.stubGlobal(
			'fetch',
			vi.fn(async () => Promise.reject(new TypeError('Failed to fetch')))
		);
		expect(await getSession()).toMatchObject({ ok: false, status: 0, code: 'network' });
		vi.stubGlobal(
			'fetch',
			vi.fn(
				async () =>
					new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } })
			)
		);
		expect(await getSession()).toMatchObject({ ok: false, code: 'bad-response' });
		vi.stubGlobal(
			'fetch',
			answer(401, { error: { code: 'unauthenticated', message: 'Sign in first.' } })
		);
		expect(await getSession()).toMatchObject({ ok: false, status: 401, code: 'unauthenticated' });
	});
});
