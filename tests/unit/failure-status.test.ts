/**
 * The edge between failures as values and HTTP: each code has one status, whichever route answers
 * with it, and a failure's facts reach the client where it reads them.
 */
import { describe, expect, it } from 'vitest';
import {
	httpErrorOf,
	invalidInput,
	orThrow,
	statusOf,
	type ApiErrorCode
} from '../../server/http/failure-status';
import { HttpError } from '../../server/http/errors';
import {
	API,
	EmailSchema,
	REASON_CODES,
	ROUTER_ERROR_CODES,
	fail,
	succeed
} from '../../src/lib/shared';

describe('the status of a failure', () => {
	it.each([
		['invalid-input', 400],
		['token-expired', 400],
		['unauthenticated', 401],
		['not-project-admin', 403],
		['project-not-found', 404],
		['email-taken', 409],
		['invite-revoked', 410],
		['body-too-large', 413],
		['outbox-wrong-host', 421],
		['rate-limited', 429]
	] as const)('%s is %i', (code, status) => {
		expect(statusOf(code)).toBe(status);
	});

	it('is 403 for a policy denial, and 409 for one about the state of things', () => {
		expect(statusOf('admin-only')).toBe(403);
		expect(statusOf('not-a-member')).toBe(403);
		expect(statusOf('already-member')).toBe(409);
		expect(statusOf('request-decided')).toBe(409);
		expect(statusOf('invite-accepted')).toBe(409);
	});

	it('is known for every code a route of the contract may answer with', () => {
		const codes = new Set<string>([...ROUTER_ERROR_CODES, ...REASON_CODES]);
		for (const route of Object.values(API)) for (const code of route.errors) codes.add(code);
		for (const code of codes) {
			expect(() => statusOf(code as ApiErrorCode), code).not.toThrow();
			expect(statusOf(code as ApiErrorCode), code).toBeGreaterThanOrEqual(400);
		}
	});

	it('is no status at all for a code nobody gave one, rather than a guess', () => {
		expect(() => statusOf('no-such-code' as ApiErrorCode)).toThrow(/no HTTP status/);
	});
});

describe('a failure as an HTTP error', () => {
	it('keeps its code and message, and its facts as members of the error', () => {
		const error = httpErrorOf(
			fail('invalid-csv', 'The file has a problem; nothing was imported.', {
				problems: [{ row: 2, column: null, message: 'Row 2 has 1 cell; the header has 2.' }]
			})
		);
		expect(error).toBeInstanceOf(HttpError);
		expect(error).toMatchObject({
			status: 400,
			code: 'invalid-csv',
			message: 'The file has a problem; nothing was imported.',
			details: { problems: [{ row: 2 }] }
		});
		expect(error.fields).toBeUndefined();
	});

	it('never sends a fact the API does not document, such as what a retired link was about', () => {
		const error = httpErrorOf(
			fail('token-superseded', 'A newer link replaced this one.', {
				retired: { subject: 'invite-1', data: { projectId: 'p1' } },
				ownerPid: 42
			})
		);
		expect(error).toMatchObject({ status: 400, code: 'token-superseded' });
		expect(error.details).toEqual({});
		expect(JSON.stringify(error)).not.toContain('invite-1');
	});

	it('keeps field messages as its fields', () => {
		const error = httpErrorOf(
			fail('unknown-board', 'Some of the boards chosen are not in this project.', {
				fields: { boardIds: ['There is no board "b9" in Main.'] }
			})
		);
		expect(error.status).toBe(400);
		expect(error.fields).toEqual({ boardIds: ['There is no board "b9" in Main.'] });
		expect(error.details).toEqual({});
	});

	it('says how long to wait both in Retry-After and in data, beside the route’s own headers', () => {
		const error = httpErrorOf(
			fail('rate-limited', 'Too many attempts. Try again in 60 seconds.', {
				retryAfterSeconds: 60
			}),
			{ 'X-Other': 'kept' }
		);
		expect(error.status).toBe(429);
		expect(error.headers).toEqual({ 'Retry-After': '60', 'X-Other': 'kept' });
		expect(error.details).toEqual({ data: { retryAfterSeconds: 60 } });
	});

	it('names every field at fault of input zod refused', () => {
		const parsed = EmailSchema.safeParse('nobody');
		if (parsed.success) throw new Error('an address without @ parsed');
		const error = invalidInput(parsed.error);
		expect(error).toMatchObject({ status: 400, code: 'invalid-input' });
		expect(Object.keys(error.fields ?? {})).toEqual(['_']);
	});
});

describe('an outcome at the edge', () => {
	it('is its success when it succeeded', () => {
		expect(orThrow(succeed({ name: 'Main' }))).toEqual({ ok: true, name: 'Main' });
	});

	it('throws the HTTP error its failure stands for', () => {
		expect(() => orThrow(fail('view-not-found', 'There is no such data view.'))).toThrow(
			expect.objectContaining({ status: 404, code: 'view-not-found' })
		);
	});
});
