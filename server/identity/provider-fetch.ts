/**
 * How the console fetches from identity providers (openid-client's `customFetch`): the platform's
 * fetch, reading at most `MAX_PROVIDER_ANSWER_MIB` of an answer. A discovery document, a key set,
 * a token response or a UserInfo answer is a few kilobytes; without a bound, an answer without end
 * (an issuer that points at a large file, or a hostile provider) would be read whole into memory
 * before any check, at a sign-in anyone may start.
 */
import type { CustomFetch } from 'openid-client';

/** The most of an answer the console reads, in MiB. @default 1 */
export const MAX_PROVIDER_ANSWER_MIB = 1;
const MAX_PROVIDER_ANSWER_BYTES = MAX_PROVIDER_ANSWER_MIB * 1024 * 1024;

/** Statuses whose Response may have no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Thrown when a provider's answer is larger than the console reads. */
export class ProviderAnswerTooLarge extends Error {
	override name = 'ProviderAnswerTooLarge';
}

export const fetchFromProvider: CustomFetch = async (url, options) => {
	const response = await fetch(url, options as RequestInit);
	if (Number(response.headers.get('content-length')) > MAX_PROVIDER_ANSWER_BYTES) {
		await response.body?.cancel();
		throw new ProviderAnswerTooLarge(`${url} answered with more than the console reads`);
	}
	if (!response.body) return response;
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = response.body.getReader();
	for (let read = await reader.read(); !read.done; read = await reader.read()) {
		size += read.value.byteLength;
		if (size > MAX_PROVIDER_ANSWER_BYTES) {
			// The rest is never read: the connection is let go.
			await reader.cancel();
			throw new ProviderAnswerTooLarge(`${url} answered with more than the console reads`);
		}
		chunks.push(read.value);
	}
	const { status, statusText, headers } = response;
	const read = new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
		status,
		statusText,
		headers
	});
	// Where it came from, for the sentence that says what went wrong (provider-errors.ts).
	return Object.defineProperty(read, 'url', { value: response.url });
};
