/**
 * Failures as values: the one shape every expected failure of domain code takes, on the server
 * and in the browser alike. An outcome is a success, `{ ok: true }` with what it holds beside it,
 * or a failure, `{ ok: false, code, message }` with its facts beside them.
 *
 * Why this form:
 * - One discriminant, `ok`, for everything that can fail: `if (!outcome.ok) return outcome;`
 *   passes any failure up unchanged, whatever function made it, and TypeScript narrows both sides.
 * - Flat, not `{ value }` / `{ error }`: a success is read as what it is (`outcome.account`), and a
 *   failure's facts (`retryAfterSeconds`, `problems`, `fields`, `ownerPid`, `close`) ride beside
 *   its code without another level to unwrap.
 * - A `code` names the failure, for programs, tests and the edge; a `message` says it to a person
 *   (a client that words nothing itself can show it as it is; the audit log keeps it).
 * - No transport in it: a failure carries no HTTP status or close code of its own. Routes turn a
 *   failure into an HTTP error at the edge (server/http/failure-status.ts), where each code has
 *   its status; the sync server picks a close reason from a failure's `close` fact.
 */

export type Success<T extends object = object> = { ok: true } & T;

/** One member per code, so that checking `code` narrows a failure of several codes. */
export type Failure<
	Code extends string = string,
	Data extends object = object
> = Code extends string ? { ok: false; code: Code; message: string } & Data : never;

export type Outcome<
	T extends object = object,
	Code extends string = string,
	Data extends object = object
> = Success<T> | Failure<Code, Data>;

/** A success that holds nothing more. */
export const OK: Success = Object.freeze({ ok: true as const });

/** A success holding `value`'s members. */
export function succeed<T extends object>(value: T): Success<T> {
	return { ok: true, ...value };
}

/** A failure with its code, a sentence for a person, and the facts that ride along. */
export function fail<Code extends string, Data extends object = object>(
	code: Code,
	message: string,
	data?: Data
): Failure<Code, Data> {
	return { ...data, ok: false, code, message } as Failure<Code, Data>;
}
