/**
 * The edge between failures as values (src/lib/shared/outcome.ts) and HTTP: the one place where a
 * failure's code gets its status. Domain code names what went wrong; a route hands the failure to
 * `httpErrorOf` (or `orThrow`) and the status comes from this table, so that one code means one
 * status across the whole API (docs/api.md).
 *
 * Only the facts the API documents reach the client: `fields`, the members in `WIRE_FACTS`
 * (`problems`, `consentUrl`), and `retryAfterSeconds`, which HTTP has a header for (it travels as
 * `Retry-After` and as `data.retryAfterSeconds`, where clients read it). Any other fact is the
 * server's own (what a retired link was about, a lock's owner) and is never sent.
 */
import type { z } from 'zod';
import {
	REASON_CODES,
	fail,
	issuesByField,
	type Failure,
	type Outcome,
	type ReasonCode,
	type Success
} from '../../src/lib/shared';
import { HttpError } from './errors';

const STATUS = {
	// The request could not be read.
	'invalid-input': 400,
	'invalid-json': 400,
	'incomplete-body': 400,
	'bad-path-parameter': 400,
	'bad-request-target': 400,
	'not-an-institution-zone': 400,
	'confirmation-mismatch': 400,
	'email-unchanged': 400,
	'unknown-board': 400,
	'invalid-csv': 400,
	'review-zone-unknown': 400,
	'review-due-date': 400,
	'token-invalid': 400,
	'token-expired': 400,
	'token-used': 400,
	'token-superseded': 400,
	'token-withdrawn': 400,
	'ticket-invalid': 400,
	'ticket-expired': 400,
	'ticket-used': 400,
	'identity-provider-invalid': 400,
	'identity-provider-unusable': 400,
	'sign-in-unknown': 400,
	'sign-in-expired': 400,
	'sign-in-used': 400,
	'sign-in-other-browser': 400,
	// Who is asking.
	unauthenticated: 401,
	'invalid-credentials': 401,
	'api-key-invalid': 401,
	'identity-provider-declined': 401,
	'identity-provider-answer-refused': 401,
	// Not for this caller.
	'cross-origin': 403,
	'origin-required': 403,
	'not-project-admin': 403,
	'not-network-zone-admin': 403,
	'not-access-reviewer': 403,
	'cannot-read-view': 403,
	'project-not-in-portal': 403,
	'consent-required': 403,
	'consent-not-a-member': 403,
	'ticket-mismatch': 403,
	'grant-project-invalid': 403,
	'portal-project-admins-only': 403,
	'portal-managers-only': 403,
	'not-zone-reviewer': 403,
	'review-own-access': 403,
	'outbox-local-only': 403,
	'identity-provider-required': 403,
	'identity-provider-no-email': 403,
	'identity-provider-email-unverified': 403,
	'identity-provider-wrong-domain': 403,
	'identity-provider-no-account': 403,
	'deactivated-by-identity-provider': 403,
	'address-managed-by-identity-provider': 403,
	// Nothing there.
	'project-not-found': 404,
	'consortium-not-found': 404,
	'zone-not-found': 404,
	'person-not-found': 404,
	'view-not-found': 404,
	'request-not-found': 404,
	'member-not-found': 404,
	'session-not-found': 404,
	'portal-not-found': 404,
	'grant-not-found': 404,
	'review-not-found': 404,
	'review-item-not-found': 404,
	'invite-not-found': 404,
	'identity-provider-not-found': 404,
	'scim-token-not-found': 404,
	'method-not-allowed': 405,
	// The state of things does not allow it (policy codes among them, below).
	'email-taken': 409,
	'request-pending': 409,
	'offboarding-refused': 409,
	'offboarding-changed': 409,
	'review-empty': 409,
	'review-open': 409,
	'review-closed': 409,
	'review-item-decided': 409,
	'review-person-gone': 409,
	'bulk-invite-refused': 409,
	'bulk-invite-changed': 409,
	'identity-provider-changed': 409,
	'invite-revoked': 410,
	'invite-superseded': 410,
	'body-too-large': 413,
	'unsupported-media-type': 415,
	'outbox-wrong-host': 421,
	'rate-limited': 429,
	internal: 500,
	// A provider the console cannot use just now: unreachable, or its secret unreadable here.
	'identity-provider-unreachable': 502,
	'identity-provider-secret-unreadable': 503
} as const satisfies Record<string, number>;

/** Facts of a failure that are members of the error object on the wire (docs/api.md). */
const WIRE_FACTS = ['problems', 'consentUrl'] as const;

/** Policy denials that describe the state of things rather than the caller's rights. */
const POLICY_CONFLICTS: ReadonlySet<ReasonCode> = new Set([
	'already-member',
	'request-decided',
	'invite-accepted',
	'access-ended'
]);

/** Every code the API may answer with: the table's, and the policy's reason codes. */
export type ApiErrorCode = keyof typeof STATUS | ReasonCode;

const REASONS: ReadonlySet<string> = new Set(REASON_CODES);

/** The HTTP status of a failure's code: the table's; a policy denial's 403, or 409 for a conflict. */
export function statusOf(code: ApiErrorCode): number {
	if (Object.hasOwn(STATUS, code)) return STATUS[code as keyof typeof STATUS];
	if (REASONS.has(code)) return POLICY_CONFLICTS.has(code as ReasonCode) ? 409 : 403;
	throw new Error(`The failure code ${code} has no HTTP status`);
}

/** The HTTP error a failure stands for, with its status and any headers of the route's own. */
export function httpErrorOf(
	failure: Failure<ApiErrorCode>,
	headers?: Record<string, string>
): HttpError {
	const facts = failure as Failure<ApiErrorCode, Record<string, unknown>>;
	const fields = facts.fields as Record<string, string[]> | undefined;
	const wait = facts.retryAfterSeconds as number | undefined;
	const details: Record<string, unknown> = {};
	for (const name of WIRE_FACTS) if (facts[name] !== undefined) details[name] = facts[name];
	if (wait !== undefined) details.data = { retryAfterSeconds: wait };
	const allHeaders = wait !== undefined ? { ...headers, 'Retry-After': String(wait) } : headers;
	return new HttpError(
		statusOf(failure.code),
		failure.code,
		failure.message,
		fields,
		allHeaders,
		details
	);
}

/** The success of an outcome, or the HTTP error its failure stands for, thrown. */
export function orThrow<T extends object>(outcome: Outcome<T, ApiErrorCode>): Success<T> {
	if (outcome.ok) return outcome;
	throw httpErrorOf(outcome);
}

/** A zod failure of the request's input as a 400 that names every field at fault. */
export function invalidInput(error: z.ZodError): HttpError {
	return httpErrorOf(
		fail('invalid-input', 'Some fields are not valid.', { fields: issuesByField(error) })
	);
}
