/**
 * What a person reads for a failed call, worded once, by the error's code and data. The server's
 * `message` is the fallback for codes worded nowhere here; a code worded here never has the
 * server's sentence added to it (a 429 once read "Too many attempts. Try again in 60 seconds.
 * Try again in 1 minute.": the server's sentence and the console's, each right on its own).
 * Emailed links' failures are worded by link in token-errors.ts.
 */
import { type ApiFailure } from './api';
import { countOf } from './shared';

const WORDING: Record<string, (failure: ApiFailure) => string> = {
	'rate-limited': (failure) => {
		const wait = failure.retryAfterSeconds;
		return wait === undefined
			? 'Too many attempts. Wait a little and try again.'
			: `Too many attempts. Try again in ${duration(wait)}.`;
	}
};

/** The sentence a person reads for the failure. */
export function describeFailure(failure: ApiFailure): string {
	return WORDING[failure.code]?.(failure) ?? failure.message;
}

/** "45 seconds", "1 minute", "3 minutes": minutes from a minute up, rounded up. */
function duration(seconds: number): string {
	if (seconds < 60) return countOf(seconds, 'second');
	return countOf(Math.ceil(seconds / 60), 'minute');
}
