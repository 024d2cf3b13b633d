/**
 * Secrets for sessions and emailed links: random bytes from the operating system's CSPRNG,
 * encoded in lower-case base32 (URL- and cookie-safe, no padding), and the SHA-256 digest that
 * is stored in their place.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** 20 bytes: 160 bits, above the 120 (sessions) and 128 (links) the team requires. */
const SECRET_BYTES = 20;

export function generateSecureRandomString(bytes: number = SECRET_BYTES): string {
	const buffer = new Uint8Array(bytes);
	crypto.getRandomValues(buffer);
	return encodeBase32LowerCaseNoPadding(buffer);
}

export function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}
