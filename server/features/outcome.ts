/**
 * Expected failures of the workflows as values: what went wrong, with the HTTP status and the
 * code and message the API answers with. Routes turn them into errors at the edge.
 */
import { HttpError } from '../http/errors';

export interface Failure {
	ok: false;
	status: number;
	code: string;
	message: string;
	fields?: Record<string, string[]>;
}

export type Outcome<T> = ({ ok: true } & T) | Failure;

export function fail(
	status: number,
	code: string,
	message: string,
	fields?: Record<string, string[]>
): Failure {
	return { ok: false, status, code, message, ...(fields ? { fields } : {}) };
}

/** The success of an outcome, or the HttpError its failure stands for. */
export function orThrow<T>(outcome: Outcome<T>): { ok: true } & T {
	if (outcome.ok) return outcome;
	throw new HttpError(outcome.status, outcome.code, outcome.message, outcome.fields);
}
