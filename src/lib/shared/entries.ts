/**
 * Reading one entry of a document as the schema has it. What the server stores and broadcasts is
 * the canonical form of an accepted entry (synonyms normalised, such as "messenger" for
 * "consumer"), never the bytes a client sent; a field the schema does not know is refused rather
 * than silently carried along.
 */
import { rootSpec, type DocumentKind } from './documents';
import { deny, type Denial } from './policy/decision';

export type EntryReading = { ok: true; value: unknown } | { ok: false; denial: Denial };

/** The canonical form of an entry of `root` stored under `key`, or why it is not one. */
export function readEntry(
	kind: DocumentKind,
	root: string,
	key: string,
	value: unknown
): EntryReading {
	const reading = readStoredEntry(kind, root, key, value);
	if (!reading.ok) return reading;
	const unknown = firstUnknownField(value, reading.value);
	return unknown === null
		? reading
		: { ok: false, denial: deny('invalid-entry', `Unknown field "${unknown}" in ${root}.`) };
}

/**
 * The canonical form of an entry as an earlier version may have stored it: fields the schema does
 * not know are dropped rather than refused, so that such an entry can be repaired.
 */
export function readStoredEntry(
	kind: DocumentKind,
	root: string,
	key: string,
	value: unknown
): EntryReading {
	const spec = rootSpec(kind, root);
	if (!spec) {
		return { ok: false, denial: deny('server-only', `"${root}" is not part of this document.`) };
	}
	const parsed = spec.schema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const path = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
		return {
			ok: false,
			denial: deny(
				'invalid-entry',
				`Invalid entry in ${root}${path}: ${issue?.message ?? 'malformed'}.`
			)
		};
	}
	if (spec.keyField !== null && (parsed.data as Record<string, unknown>)[spec.keyField] !== key) {
		return {
			ok: false,
			denial: deny('key-mismatch', `An entry of ${root} is stored under its ${spec.keyField}.`)
		};
	}
	return { ok: true, value: parsed.data };
}

/** The path of the first field of `sent` that parsing dropped, or null when none was. */
function firstUnknownField(sent: unknown, parsed: unknown, path = ''): string | null {
	if (!isPlainObject(sent) || !isPlainObject(parsed)) {
		if (!Array.isArray(sent) || !Array.isArray(parsed)) return null;
		for (let index = 0; index < Math.min(sent.length, parsed.length); index++) {
			const unknown = firstUnknownField(sent[index], parsed[index], `${path}${index}.`);
			if (unknown !== null) return unknown;
		}
		return null;
	}
	for (const field of Object.keys(sent)) {
		if (!Object.hasOwn(parsed, field)) return `${path}${field}`;
		const unknown = firstUnknownField(sent[field], parsed[field], `${path}${field}.`);
		if (unknown !== null) return unknown;
	}
	return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether two entries are the same JSON value. Total: it never throws, whatever it is given
 * (JSON.stringify throws on a BigInt and calls toJSON methods; NaN is not equal to itself).
 */
export function sameJson(a: unknown, b: unknown): boolean {
	if (a === b || Object.is(a, b)) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a)) {
		const other = b as unknown[];
		return (
			a.length === other.length && a.every((element, index) => sameJson(element, other[index]))
		);
	}
	const keysA = Object.keys(a);
	const keysB = Object.keys(b);
	return (
		keysA.length === keysB.length &&
		keysA.every(
			(key) =>
				Object.hasOwn(b, key) &&
				sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
		)
	);
}
