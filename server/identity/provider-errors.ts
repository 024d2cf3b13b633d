/**
 * What went wrong with an identity provider, in a sentence: openid-client throws errors with a
 * code and facts (the claim that failed, the provider's error); a person reads why the sign-in or
 * the configuration was refused, never a stack. The console's own sentences for the checks that
 * protect sign-in (issuer, audience, nonce, expiry, signature), the library's words otherwise.
 */
import * as oidc from 'openid-client';
import { fail, type Failure } from '../../src/lib/shared/outcome';
import { MAX_PROVIDER_ANSWER_MIB, ProviderAnswerTooLarge } from './provider-fetch';

export type ProviderFailure = Failure<
	| 'identity-provider-unreachable'
	| 'identity-provider-unusable'
	| 'identity-provider-declined'
	| 'identity-provider-answer-refused'
>;

/** The ID token's claims whose check failed, as a person reads each. */
const CLAIM_PROBLEMS: Record<string, string> = {
	iss: 'its ID token was issued by another issuer than the provider configured',
	aud: 'its ID token was meant for another client than the console',
	azp: 'its ID token was meant for another client than the console',
	nonce: 'its ID token does not answer this sign-in (wrong nonce)',
	exp: 'its ID token has expired',
	nbf: 'its ID token is not valid yet',
	iat: 'its ID token was issued too long ago',
	sub: 'its ID token names nobody'
};

interface CodedError {
	code?: string;
	message: string;
	cause?: unknown;
}

export function describeProviderError(error: unknown, issuer: string): ProviderFailure {
	if (error instanceof oidc.AuthorizationResponseError) {
		const why = error.error_description ?? error.error;
		return fail(
			'identity-provider-declined',
			`The identity provider did not sign you in: ${why}.`.replace(/\.\.$/, '.')
		);
	}
	if (error instanceof oidc.ResponseBodyError) {
		return refused(
			`the provider refused to complete the sign-in (${error.error}${error.error_description ? `: ${error.error_description}` : ''})`
		);
	}
	if (!(error instanceof Error)) return refused('its answer could not be read');
	if (tooLarge(error)) {
		return fail(
			'identity-provider-unusable',
			`The provider at ${issuer} answered with more than ${MAX_PROVIDER_ANSWER_MIB} MiB, more than any OpenID Connect answer needs: check the issuer URL, or tell your library's identity administrator.`
		);
	}
	if (timedOut(error)) {
		return fail(
			'identity-provider-unreachable',
			`The identity provider at ${issuer} did not answer in time. Try again in a moment; if it keeps happening, tell your library's identity administrator.`
		);
	}
	if (isUnreachable(error)) {
		return fail(
			'identity-provider-unreachable',
			`The identity provider at ${issuer} could not be reached (${reachProblem(error)}). Try again in a moment; if it keeps happening, tell your library's identity administrator.`
		);
	}
	const coded = error as CodedError;
	// openid-client wraps oauth4webapi's error, whose facts name the claim that failed.
	const inner = coded.cause instanceof Error ? (coded.cause as CodedError) : coded;
	const claim = factOf(inner, 'claim') ?? factOf(coded, 'claim');
	switch (coded.code) {
		case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED': {
			const named = (coded.cause as { body?: { issuer?: unknown } } | undefined)?.body?.issuer;
			return fail(
				'identity-provider-unusable',
				`The provider at ${issuer} calls itself ${typeof named === 'string' ? named : 'by another name'}: the issuer must be exactly the provider's own identifier.`
			);
		}
		case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
		case 'OAUTH_RESPONSE_IS_NOT_JSON':
			if (coded.cause instanceof Response) return unexpectedAnswer(coded.cause, issuer);
		// falls through
		case 'OAUTH_INVALID_SERVER_METADATA':
			if (!claim) {
				return fail(
					'identity-provider-unusable',
					`${issuer} has no OpenID Connect discovery document (${coded.message}): check the issuer URL.`
				);
			}
			break;
		case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
		case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
			if (claim && CLAIM_PROBLEMS[claim]) return refused(CLAIM_PROBLEMS[claim]);
			break;
		case 'OAUTH_KEY_SELECTION_FAILED':
			return refused("its ID token is not signed by any of the provider's published keys");
		case 'OAUTH_UNSUPPORTED_OPERATION':
			return refused('its ID token is unsigned or signed in a way the console does not accept');
	}
	if (/signature/i.test(inner.message))
		return refused("its ID token is not signed by the provider's published keys");
	if (/"alg"|JWS algorithm/i.test(inner.message))
		return refused('its ID token is unsigned or signed in a way the console does not accept');
	return refused(`its answer did not pass the console's checks (${inner.message})`);
}

/**
 * An answer of another status or type than the one asked for. From the discovery document's
 * address, the issuer is wrong (a redirect is named: the console follows none, and the issuer
 * must be the provider's own identifier anyway); from another endpoint, during a sign-in, the
 * provider failed this sign-in, and the person is told so, not to check an issuer URL.
 */
function unexpectedAnswer(answer: Response, issuer: string): ProviderFailure {
	const status = `${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`;
	const what =
		answer.status === 200
			? `${answer.headers.get('content-type') ?? 'no content type'}, not JSON`
			: status;
	if (answer.url.endsWith('/.well-known/openid-configuration')) {
		const location = answer.headers.get('location');
		if (
			answer.status >= 300 &&
			answer.status < 400 &&
			location &&
			URL.canParse(location, answer.url)
		)
			return fail(
				'identity-provider-unusable',
				`${issuer}'s discovery document redirects to ${new URL(location, answer.url).href}: the console follows no redirects, so enter the issuer exactly as the provider names itself.`
			);
		return fail(
			'identity-provider-unusable',
			`${issuer} has no OpenID Connect discovery document (it answered ${what}): check the issuer URL.`
		);
	}
	if (answer.status >= 500)
		return fail(
			'identity-provider-unreachable',
			`The identity provider at ${issuer} failed to answer (${status} from ${answer.url}). Try again in a moment; if it keeps happening, tell your library's identity administrator.`
		);
	return refused(`the provider answered ${what} from ${answer.url}`);
}

function factOf(error: CodedError, fact: string): string | undefined {
	const facts = error.cause as Record<string, unknown> | undefined;
	const value = facts && typeof facts === 'object' ? facts[fact] : undefined;
	return typeof value === 'string' ? value : undefined;
}

function refused(why: string): ProviderFailure {
	return fail(
		'identity-provider-answer-refused',
		`The sign-in was refused: ${why}. Try again; if it keeps happening, tell your library's identity administrator.`
	);
}

/** openid-client wraps what the fetch threw. */
function tooLarge(error: Error): boolean {
	return (
		error instanceof ProviderAnswerTooLarge ||
		(error.cause instanceof Error && tooLarge(error.cause))
	);
}

/**
 * The provider did not answer within the console's wait: openid-client's OAUTH_TIMEOUT, whose
 * cause is the fetch's TimeoutError (a DOMException, whose numeric `code` says nothing to a person).
 */
function timedOut(error: Error): boolean {
	const { code } = error as CodedError;
	return (
		error.name === 'TimeoutError' ||
		error.name === 'AbortError' ||
		code === 'OAUTH_TIMEOUT' ||
		code === 'OAUTH_ABORT' ||
		(error.cause instanceof Error && timedOut(error.cause))
	);
}

/** The provider could not be reached: refused connection, unknown host, reset. */
function isUnreachable(error: Error): boolean {
	return (
		(error instanceof TypeError && error.message === 'fetch failed') ||
		(error.cause instanceof Error && isUnreachable(error.cause))
	);
}

function reachProblem(error: Error): string {
	const cause = error.cause as { code?: string; message?: string } | undefined;
	return cause?.code ?? cause?.message ?? error.message;
}
