/**
 * Every HTTP request (and sync upgrade) has an id, in its log lines and in the `X-Request-Id` of
 * its answer, so that a person's report ("it failed, request 3f2…") finds its lines. A proxy in
 * front may have named the request already: a sane `X-Request-Id` is kept, anything else (too
 * long, characters that could forge a log line) is replaced by a fresh one.
 *
 * While a request is handled, its id is also the async context's (AsyncLocalStorage), so that an
 * error nothing caught can still say which request it came from (server/http/uncaught-errors.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

const handling = new AsyncLocalStorage<string>();

/** The id a proxy gave the request, if it is a sane one; else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
	const given = req.headers['x-request-id'];
	return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Runs `work` (and whatever it sets going) as the handling of the request `id`. */
export function whileHandling<T>(id: string, work: () => T): T {
	return handling.run(id, work);
}

/** The id of the request whose handling is under way here, if any. */
export function currentRequestId(): string | undefined {
	return handling.getStore();
}
