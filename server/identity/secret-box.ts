/**
 * Sealing the secrets the console must use again, not merely check: a provider's client secret is
 * sent to the provider at every sign-in, so a hash will not do. AES-256-GCM with a fresh 96-bit
 * nonce per seal; the associated data names what the secret belongs to, so a sealed value copied
 * into another row does not open. Sealed: nonce (12 bytes) | ciphertext | tag (16 bytes).
 *
 * The key is the server's, not the database's: `IDENTITY_SECRET_KEY` (32 bytes, base64), or else a
 * key generated once into `<DATA_DIR>/identity-secret.key` with permissions 0600 (docs/operations.md).
 * A copy of the database alone then opens nothing. The key is read when first needed, so a console
 * without identity providers never writes the file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail, succeed, type Outcome } from '../../src/lib/shared/outcome';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** Where the key comes from: the environment's, or the file to keep it in. */
export interface SecretKeySource {
	/** From `IDENTITY_SECRET_KEY`, already decoded; null: use the file. */
	key: Uint8Array | null;
	/** `<DATA_DIR>/identity-secret.key`. */
	file: string;
}

export class SecretBox {
	readonly #source: SecretKeySource;
	#key: Buffer | null = null;

	constructor(source: SecretKeySource) {
		this.#source = source;
	}

	seal(secret: string, about: string): Uint8Array {
		const nonce = randomBytes(NONCE_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.#readKey(), nonce);
		cipher.setAAD(Buffer.from(about, 'utf8'));
		const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
		return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
	}

	/** The secret, or a failure when the key is another (it changed, or the file was lost). */
	open(sealed: Uint8Array, about: string): Outcome<{ secret: string }, 'secret-unreadable'> {
		const bytes = Buffer.from(sealed);
		try {
			const decipher = createDecipheriv(
				'aes-256-gcm',
				this.#readKey(),
				bytes.subarray(0, NONCE_BYTES)
			);
			decipher.setAAD(Buffer.from(about, 'utf8'));
			decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
			const secret = Buffer.concat([
				decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
				decipher.final()
			]).toString('utf8');
			return succeed({ secret });
		} catch {
			return fail(
				'secret-unreadable',
				"The stored client secret cannot be decrypted with this server's key (IDENTITY_SECRET_KEY or identity-secret.key changed): set the provider's client secret again."
			);
		}
	}

	#readKey(): Buffer {
		this.#key ??= this.#source.key ? Buffer.from(this.#source.key) : keyFromFile(this.#source.file);
		return this.#key;
	}
}

/** The file's key, made on first use; never overwritten (`wx`), so two processes agree. */
function keyFromFile(file: string): Buffer {
	try {
		return checkedKey(readFileSync(file, 'utf8'), file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	mkdirSync(dirname(file), { recursive: true });
	try {
		writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, {
			mode: 0o600,
			flag: 'wx'
		});
		// The mode of a new file is masked by the umask; this one is for its owner only.
		chmodSync(file, 0o600);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	return checkedKey(readFileSync(file, 'utf8'), file);
}

function checkedKey(text: string, where: string): Buffer {
	const key = decodeSecretKey(text);
	if (!key) throw new Error(`${where} does not hold a 32-byte key in base64.`);
	return Buffer.from(key);
}

/** A 32-byte key written in base64 (as `openssl rand -base64 32` prints one); null otherwise. */
export function decodeSecretKey(text: string): Uint8Array | null {
	const trimmed = text.trim();
	if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return null;
	const key = Buffer.from(trimmed, 'base64');
	return key.length === KEY_BYTES ? new Uint8Array(key) : null;
}
