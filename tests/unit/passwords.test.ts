import { describe, expect, it } from 'vitest';
import {
	dummyPasswordHash,
	hashPassword,
	needsRehash,
	verifyPassword
} from '../../server/auth/passwords';
import { DEFAULT_AUTH_POLICY } from '../../server/auth/settings';

const FAST = { log2N: 10, r: 8, p: 1 };

describe('password hashing', () => {
	it('verifies the right password and refuses another', async () => {
		const hash = await hashPassword('correct horse battery', FAST);
		expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse batterz')).toBe(false);
	});

	it('stores scrypt with its parameters and a fresh salt each time', async () => {
		const first = await hashPassword('same password', FAST);
		const second = await hashPassword('same password', FAST);
		expect(first).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
		expect(first).not.toBe(second);
		expect(first).not.toContain('same password');
	});

	it('still verifies a hash made at another cost, and says it needs redoing', async () => {
		const old = await hashPassword('kept across upgrades', FAST);
		const current = { log2N: 11, r: 8, p: 1 };
		expect(await verifyPassword(old, 'kept across upgrades')).toBe(true);
		expect(needsRehash(old, current)).toBe(true);
		expect(needsRehash(await hashPassword('x', current), current)).toBe(false);
	});

	it('treats the same password typed in another Unicode form as the same', async () => {
		const hash = await hashPassword('caf\u00e9 au lait', FAST);
		expect(await verifyPassword(hash, 'cafe\u0301 au lait')).toBe(true);
	});

	it('refuses anything that is not one of its hashes', async () => {
		expect(await verifyPassword('', 'anything')).toBe(false);
		expect(await verifyPassword('$2b$10$abcdefghijklmnopqrstuv', 'anything')).toBe(false);
	});

	it('uses OWASP’s scrypt cost by default, within the memory it allows itself', async () => {
		expect(DEFAULT_AUTH_POLICY.passwordCost).toEqual({ log2N: 17, r: 8, p: 1 });
		const hash = await hashPassword('the real cost', DEFAULT_AUTH_POLICY.passwordCost);
		expect(hash.startsWith('$scrypt$ln=17,r=8,p=1$')).toBe(true);
		expect(await verifyPassword(hash, 'the real cost')).toBe(true);
	});

	it('has a dummy hash that no guess matches, made once per cost', async () => {
		const dummy = await dummyPasswordHash(FAST);
		expect(await dummyPasswordHash(FAST)).toBe(dummy);
		expect(await verifyPassword(dummy, '')).toBe(false);
	});
});
