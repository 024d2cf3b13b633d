/**
 * Errors a handler throws on purpose. Each becomes a JSON body `{ error: { code, message,
 * fields?, ...details } }` with its status; anything else becomes a 500 with no detail (the log
 * has it). Routes make them from failures as values with `httpErrorOf` (failure-status.ts), where
 * each code has its status.
 */
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
