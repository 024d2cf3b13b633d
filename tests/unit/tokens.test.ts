import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_POLICY, type AuthDb } from '../../server/auth/settings';
import {
	consumeToken,
	deleteStaleTokens,
	issueToken,
	peekToken,
	retireTokens,
	revokeTokens
} from '../../server/auth/tokens';
import type { Db } from '../../server/db/database';
import { openConsoleDatabase } from '../../server/schema';

const HOUR = 3_600_000;

describe('one-time tokens', () => {
	let db: Db;
	let auth: AuthDb;
	let time: number;

	beforeEach(() => {
		db = openConsoleDatabase(':memory:');
		time = Date.UTC(2025, 0, 15);
		auth = { db, settings: { ...DEFAULT_AUTH_POLICY, now: () => time } };
	});
	afterEach(() => db.close());

	it('carries its email, subject and data, once', () => {
		const { token, expiresAt } = issueToken(auth, {
			purpose: 'invite',
			email: 'Ada@Library.example.edu',
			subject: 'invite-1',
			data: { role: 'analyst' }
		});
		expect(expiresAt).toBe(time + 7 * 24 * HOUR);
		expect(consumeToken(auth, token, 'invite')).toEqual({
			ok: true,
			email: 'ada@library.example.edu',
			subject: 'invite-1',
			data: { role: 'analyst' },
			expiresAt
		});
		expect(consumeToken(auth, token, 'invite')).toMatchObject({ ok: false, code: 'token-used' });
	});

	it('is at least 128 random bits, different every time', () => {
		const tokens = new Set(
			Array.from(
				{ length: 100 },
				() => issueToken(auth, { purpose: 'sign-in', email: 'a@b.org' }).token
			)
		);
		expect(tokens.size).toBe(100);
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
	});

	it('expires after the lifetime of its purpose', () => {
		const { token } = issueToken(auth, { purpose: 'password-reset', email: 'a@b.org' });
		time += HOUR - 1;
		expect(peekToken(auth, token, 'password-reset').ok).toBe(true);
		time += 1;
		expect(consumeToken(auth, token, 'password-reset')).toMatchObject({
			ok: false,
			code: 'token-expired'
		});
	});

	it('can be looked at without being used up', () => {
		const { token } = issueToken(auth, { purpose: 'invite', email: 'a@b.org' });
		expect(peekToken(auth, token, 'invite').ok).toBe(true);
		expect(peekToken(auth, token, 'invite').ok).toBe(true);
		expect(consumeToken(auth, token, 'invite').ok).toBe(true);
		expect(peekToken(auth, token, 'invite')).toMatchObject({ ok: false, code: 'token-used' });
	});

	it('is worth nothing for another purpose', () => {
		const { token } = issueToken(auth, { purpose: 'sign-in', email: 'a@b.org' });
		expect(consumeToken(auth, token, 'password-reset')).toMatchObject({
			ok: false,
			code: 'token-invalid'
		});
		expect(consumeToken(auth, token, 'sign-in').ok).toBe(true);
	});

	it('is revoked with the other unused tokens of its subject, so that a resend replaces it', () => {
		const first = issueToken(auth, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' });
		const other = issueToken(auth, { purpose: 'invite', email: 'c@d.org', subject: 'invite-2' });
		expect(revokeTokens(db, 'invite', 'invite-1')).toBe(1);
		const resent = issueToken(auth, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' });

		expect(consumeToken(auth, first.token, 'invite')).toMatchObject({
			ok: false,
			code: 'token-invalid'
		});
		expect(consumeToken(auth, resent.token, 'invite').ok).toBe(true);
		expect(consumeToken(auth, other.token, 'invite').ok).toBe(true);
	});

	it('says it was replaced once retired by a newer one, also past its expiry, until it is stale', () => {
		const first = issueToken(auth, {
			purpose: 'invite',
			email: 'a@b.org',
			subject: 'invite-1',
			data: { projectId: 'p1' }
		});
		expect(retireTokens(db, 'invite', 'invite-1', 'superseded')).toBe(1);
		const resent = issueToken(auth, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' });
		const superseded = {
			ok: false,
			code: 'token-superseded',
			message: expect.any(String),
			retired: { subject: 'invite-1', data: { projectId: 'p1' } }
		};
		expect(peekToken(auth, first.token, 'invite')).toEqual(superseded);
		expect(consumeToken(auth, first.token, 'invite')).toEqual(superseded);
		time = first.expiresAt + HOUR;
		expect(peekToken(auth, first.token, 'invite')).toEqual(superseded);
		expect(peekToken(auth, resent.token, 'invite')).toMatchObject({
			ok: false,
			code: 'token-expired'
		});
		deleteStaleTokens(auth, 0);
		expect(peekToken(auth, first.token, 'invite')).toMatchObject({
			ok: false,
			code: 'token-invalid'
		});
	});

	it('says it was withdrawn, and a used one stays used', () => {
		const used = issueToken(auth, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' });
		expect(consumeToken(auth, used.token, 'invite').ok).toBe(true);
		const open = issueToken(auth, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' });
		expect(retireTokens(db, 'invite', 'invite-1', 'withdrawn')).toBe(1);
		expect(peekToken(auth, used.token, 'invite')).toMatchObject({ ok: false, code: 'token-used' });
		expect(peekToken(auth, open.token, 'invite')).toMatchObject({
			ok: false,
			code: 'token-withdrawn'
		});
	});

	it('is stored only as a hash', () => {
		const { token } = issueToken(auth, { purpose: 'sign-in', email: 'a@b.org' });
		const rows = JSON.stringify(db.prepare('SELECT * FROM tokens').all());
		expect(rows).not.toContain(token);
		expect(rows).toContain('a@b.org');
	});
});
