/**
 * The mark of a snapshot chunk the server wrote itself, from a document whose every entry it had
 * read through its schema (repaired at load, validated on every change since): loading such a chunk
 * skips the repair pass. The mark names the schemas it was validated under (a fingerprint of every
 * root's JSON Schema and `STORED_ENTRY_REVISION`) and the digest of the chunk's bytes and its
 * document, so that a chunk written under other schemas (an earlier version), changed, or moved from
 * another document behind the server's back, is read entry by entry as before.
 *
 * The digest is not a signature: whoever can write the database could compute it. It tells the
 * server's own writing from anything else; it is no defence against someone who holds the database.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DOCUMENT_ROOTS, STORED_ENTRY_REVISION } from '../../src/lib/shared';

let fingerprint: string | null = null;

/** What the entries were validated under: every root's schema, both ways, and the revision. */
function entriesFingerprint(): string {
	if (fingerprint !== null) return fingerprint;
	const hash = createHash('sha256').update(`revision ${STORED_ENTRY_REVISION}\n`);
	for (const [kind, roots] of Object.entries(DOCUMENT_ROOTS)) {
		for (const [root, spec] of Object.entries(roots)) {
			const schema = (io: 'input' | 'output') =>
				JSON.stringify(z.toJSONSchema(spec.schema, { io, unrepresentable: 'any' }));
			hash.update(`${kind} ${root} ${spec.keyField}\n${schema('input')}\n${schema('output')}\n`);
		}
	}
	fingerprint = hash.digest('hex').slice(0, 16);
	return fingerprint;
}

function digest(under: string, document: string, chunk: Uint8Array): string {
	return createHash('sha256').update(`${under}\n${document}\n`).update(chunk).digest('base64url');
}

/** The mark of a chunk of `document`'s snapshot whose every entry was validated. */
export function trustMark(document: string, chunk: Uint8Array): string {
	const under = entriesFingerprint();
	return `${under}:${digest(under, document, chunk)}`;
}

/** Why a stored row is read entry by entry, or null when its mark vouches for it. */
export function distrust(document: string, chunk: Uint8Array, mark: string | null): string | null {
	if (mark === null) return 'not a snapshot the server vouched for';
	const under = entriesFingerprint();
	const [markedUnder, markedDigest] = mark.split(':');
	if (markedUnder !== under) return 'written under other schemas';
	return markedDigest === digest(under, document, chunk) ? null : 'does not match its mark';
}

/**
 * What names one vouched-for snapshot among all of a document's: a digest of its chunks' marks.
 * Whoever keeps something in step with a document (an index) can tell by it whether the document
 * is still the snapshot it last saw.
 */
export function snapshotStamp(marks: readonly string[]): string {
	return createHash('sha256').update(marks.join('\n')).digest('base64url');
}
