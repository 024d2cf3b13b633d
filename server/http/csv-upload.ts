/**
 * A CSV file as a request's body (a lookup table, people to invite): `text/csv`, read up to its
 * route's limit. The file is the body itself, so a browser sends a picked file as it is.
 */
import { fail } from '../../src/lib/shared';
import { HttpError } from './errors';
import { httpErrorOf } from './failure-status';
import { formatSize, type ApiRequest } from './router';

/** The body's bytes; `tooLarge` says, from the limit, what a larger file means for the route. */
export async function readCsvBody(
	request: ApiRequest,
	limit: number,
	tooLarge: (size: string) => string
): Promise<Uint8Array> {
	const type = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'text/csv') {
		throw httpErrorOf(fail('unsupported-media-type', 'Send the file as text/csv.'));
	}
	try {
		return await request.bytes(limit);
	} catch (error) {
		if (error instanceof HttpError && error.code === 'body-too-large')
			throw httpErrorOf(fail('body-too-large', tooLarge(formatSize(limit))));
		throw error;
	}
}
