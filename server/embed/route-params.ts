/** The path parameters of the embedding routes, read the same way by each of them. */
import { IdSchema, fail } from '../../src/lib/shared';
import type { HttpError } from '../http/errors';
import { httpErrorOf } from '../http/failure-status';

/** The parameter as an id; anything else is the route's "not found". */
export function validId(value: string | undefined, notFound: () => HttpError): string {
	const parsed = IdSchema.safeParse(value);
	if (!parsed.success) throw notFound();
	return parsed.data;
}

export function portalNotFound(): HttpError {
	return httpErrorOf(fail('portal-not-found', 'There is no such portal, or it was revoked.'));
}
