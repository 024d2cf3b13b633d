/**
 * Errors a handler throws on purpose. Each becomes a JSON body `{ error: { code, message,
 * fields?, ...details } }` with its status; anything else becomes a 500 with no detail (the log has it).
 */
import type { z } from 'zod';
import { issuesByField } from '../../src/lib/shared';

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly fields?: Record<string, string[]>,
		readonly headers?: Record<string, string>,
		/** More members of the error object, such as the `problems` of a refused CSV file. */
		readonly details?: Record<string, unknown>
	) {
		super(message);
		this.name = 'HttpError';
	}
}

/** A zod failure as a 400 that names every field at fault. */
export function invalidInput(error: z.ZodError): HttpError {
	return new HttpError(400, 'invalid-input', 'Some fields are not valid.', issuesByField(error));
}
