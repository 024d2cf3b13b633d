/**
 * Password hashing with scrypt (node:crypto), following OWASP's password storage cheat sheet:
 * N=2^17, r=8, p=1, a 16-byte random salt, a 32-byte key. The hash is stored with its parameters
 * (`$scrypt$ln=17,r=8,p=1$<salt>$<key>`, base64) so that the cost can be raised later without
 * locking anyone out: old hashes still verify, and `needsRehash` says when to upgrade one.
 */
import { scrypt, type ScryptOptions } from 'node:crypto';
import { constantTimeEqual } from '@oslojs/crypto/subtle';

export interface ScryptCost {
	/** log2 of the CPU/memory cost N. */
	log2N: number;
	/** Block size. */
	r: number;
	/** Parallelization. */
	p: number;
}

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT =
	/^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
	const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
	const key = await deriveKey(password, Buffer.from(salt), KEY_BYTES, cost);
	const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
	return `$scrypt$ln=${cost.log2N},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** False for a wrong password and for a hash this module cannot read. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	const parsed = parseHash(hash);
	if (!parsed) return false;
	const key = await deriveKey(password, parsed.salt, parsed.key.length, parsed.cost);
	return constantTimeEqual(key, parsed.key);
}

export function needsRehash(hash: string, cost: ScryptCost): boolean {
	const parsed = parseHash(hash);
	return (
		!parsed ||
		parsed.cost.log2N !== cost.log2N ||
		parsed.cost.r !== cost.r ||
		parsed.cost.p !== cost.p
	);
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password, made once per cost, to verify against when the email is unknown
 * or has no password: the answer then takes as long as for a wrong password (no enumeration by
 * timing).
 */
export function dummyPasswordHash(cost: ScryptCost): Promise<string> {
	const key = `${cost.log2N},${cost.r},${cost.p}`;
	let hash = dummyHashes.get(key);
	if (!hash) {
		hash = hashPassword(crypto.randomUUID(), cost);
		dummyHashes.set(key, hash);
	}
	return hash;
}

function parseHash(hash: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
	const match = FORMAT.exec(hash);
	if (!match) return null;
	const [, log2N, r, p, salt, key] = match;
	return {
		cost: { log2N: Number(log2N), r: Number(r), p: Number(p) },
		salt: Buffer.from(salt!, 'base64'),
		key: Buffer.from(key!, 'base64')
	};
}

function deriveKey(
	password: string,
	salt: Buffer,
	length: number,
	cost: ScryptCost
): Promise<Buffer> {
	const N = 2 ** cost.log2N;
	const options: ScryptOptions = {
		N,
		r: cost.r,
		p: cost.p,
		// scrypt needs 128·N·r bytes; Node refuses anything above 32 MiB unless told, and N=2^17
		// with r=8 needs 128 MiB. Twice the need leaves room without allowing unbounded use.
		maxmem: 256 * N * cost.r
	};
	// NFKC, so that the same password typed on two keyboards gives the same bytes (NIST 800-63B).
	const input = password.normalize('NFKC');
	return new Promise((resolve, reject) => {
		scrypt(input, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
	});
}
