/**
 * Reading the entries of a document's root maps. An entry written by a client is stored in the
 * schema's canonical form or not at all (`readEntry`): the copy that is judged is the copy that is
 * kept, so a synonym (`messenger`) is stored as what it means and a field the schema does not name
 * is refused, never carried along unjudged. An entry already stored is read for what it says
 * (`readStoredEntry`): a field an older version let through does not make it unreadable.
 */
import type { z } from 'zod';
import { rootSpec, type DocumentKind } from './documents';
import { succeed, type Outcome } from './outcome';
import { deny, type ReasonCode } from './policy/decision';
import { shown } from './policy/values';
import { entryNoun } from './root-words';
import { firstIssue } from './zod-issues';

export type EntryReading = Outcome<{ value: unknown }, ReasonCode>;

/**
 * The revision of what `readStoredEntry` makes of a stored entry, beyond what the schemas' JSON
 * Schema shows (a synonym such as `messenger`, a default, a transform). The server vouches for a
 * snapshot it compacted under this revision and these schemas, and loads it without reading each
 * entry again; bump it when such a reading changes, so that every snapshot is read once more.
 */
export const STORED_ENTRY_REVISION = 1;

/** The schema's canonical form of an entry of `root` stored under `key`, or why it is not one. */
export function readEntry(
	kind: DocumentKind,
	root: string,
	key: string,
	value: unknown
): EntryReading {
	const spec = rootSpec(kind, root);
	if (!spec) return deny('server-only', `"${shown(root)}" is not part of this document.`);
	const parsed = spec.schema.safeParse(value);
	if (!parsed.success) return deny('invalid-entry', describeIssue(root, parsed.error));
	if (spec.keyField !== null && (parsed.data as Record<string, unknown>)[spec.keyField] !== key) {
		return deny('key-mismatch', `A ${entryNoun(root)} is stored under its ${spec.keyField}.`);
	}
	return succeed({ value: parsed.data });
}

/**
 * An entry of `root` stored under `key`, read by its schema with the fields the schema does not
 * know left out; undefined when even those do not fit the schema, or it is under another key.
 */
export function readStoredEntry(
	kind: DocumentKind,
	root: string,
	key: string,
	value: unknown
): unknown {
	const spec = rootSpec(kind, root);
	if (!spec) return undefined;
	const parsed = readKnownFields(spec.schema, value);
	if (!parsed.success) return undefined;
	const entry = parsed.data as Record<string, unknown>;
	return spec.keyField === null || entry[spec.keyField] === key ? entry : undefined;
}

/**
 * Parses with a strict schema as if it ignored unknown fields: the fields it refuses as unknown
 * are left out and the rest is parsed again. Anything else wrong is still wrong.
 */
export function readKnownFields<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
	const parsed = schema.safeParse(value);
	if (parsed.success) return parsed;
	const { issues } = parsed.error;
	if (!issues.every((issue) => issue.code === 'unrecognized_keys')) return parsed;
	const known = issues.reduce<unknown>(
		(at, issue) =>
			withoutFields(at, issue.path, issue.code === 'unrecognized_keys' ? issue.keys : []),
		value
	);
	return schema.safeParse(known);
}

/** A copy of `value` without `fields` of the object at `path`; the original is not touched. */
function withoutFields(
	value: unknown,
	path: readonly PropertyKey[],
	fields: readonly string[]
): unknown {
	if (typeof value !== 'object' || value === null) return value;
	const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<PropertyKey, unknown>;
	const [head, ...rest] = path;
	if (head === undefined) {
		for (const field of fields) delete copy[field];
	} else if (Object.hasOwn(copy, head)) {
		copy[head] = withoutFields(copy[head], rest, fields);
	}
	return copy;
}

/** What a person reads about the first thing wrong with an entry, naming the field. */
function describeIssue(root: string, error: z.ZodError): string {
	const unknown = error.issues.find((issue) => issue.code === 'unrecognized_keys');
	if (unknown && unknown.code === 'unrecognized_keys') {
		const field = [...unknown.path, unknown.keys[0] ?? ''].map(String).join('.');
		return `Unknown field "${shown(field)}" in a ${entryNoun(root)}.`;
	}
	const issue = firstIssue(error);
	const path = issue.path ? ` (${shown(issue.path)})` : '';
	return `Invalid ${entryNoun(root)}${path}: ${issue.message}.`;
}
