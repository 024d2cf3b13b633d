/**
 * Every policy answer is a Decision: allowed, or denied with a stable reason code (for programs,
 * tests and logs) and a message a person can read (for the UI and the audit log).
 */
import { OK, fail, type Failure, type Outcome } from '../outcome';

export const REASON_CODES = [
	// Bad input: the request could not be understood, so nothing is allowed.
	'unknown-role',
	'unknown-action',
	'invalid-entry',
	// The permission matrix.
	'role-not-permitted',
	'not-available',
	'creator-only',
	'self-only',
	'creator-or-admin',
	// Membership and zones.
	'not-a-member',
	'admin-only',
	'iz-user-cannot-be-admin',
	'iz-user-scope',
	'admin-scope',
	'zone-not-in-project',
	'unknown-zone',
	'unknown-view',
	'zone-does-not-match-email',
	'unlisted-domain',
	'admin-protected',
	'last-admin',
	'already-member',
	'join-by-invite',
	'requests-need-institution-mode',
	'requester-not-network-zone',
	'request-decided',
	'reason-required',
	'invite-accepted',
	// Access that ends.
	'end-date-past',
	'access-ended',
	// Hand-over requests between Project Admins.
	'handover-target',
	'handover-not-yours',
	'handover-needs-step-down',
	// Board subscriptions: recipients must be people who may read the board's data view.
	'recipient-without-access',
	// Document structure.
	'server-only',
	'key-mismatch',
	'immutable-field',
	'author-mismatch',
	// The server could not reach a decision (a fault of its own): refused, never applied.
	'not-checked'
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** An outcome (src/lib/shared/outcome.ts): allowed is `{ ok: true }`, a denial a failure. */
export type Decision = Outcome<object, ReasonCode>;
export type Denial = Failure<ReasonCode>;

export const ALLOW: Decision = OK;

export function deny(code: ReasonCode, message: string): Denial {
	return fail(code, message);
}

/** The first denial among the decisions, or ALLOW. Evaluated lazily, in order. */
export function firstDenial(...checks: Array<() => Decision>): Decision {
	for (const check of checks) {
		const decision = check();
		if (!decision.ok) return decision;
	}
	return ALLOW;
}
