/**
 * What the auth routes share: their dependencies, the rate limiters, and the checks every route
 * makes the same way (who is signed in, is this client over its limit, what a failed link means
 * to a person).
 */
import type { ApiRequest, ApiResponse } from '../../http/router';
import { fail, type Failure } from '../../../src/lib/shared/outcome';
import { httpErrorOf } from '../../http/failure-status';
import { RateLimiter } from '../../http/rate-limit';
import type { MailQueue } from '../../mail/mailer';
import type { SiteUrl } from '../../mail/templates';
import type { Log } from '../../observability/log';
import type { Metrics } from '../../observability/metrics';
import type { Account } from '../accounts';
import {
	clearedSessionCookie,
	createSession,
	invalidateAccountSessions,
	invalidateSession,
	readSessionToken,
	sessionCookie,
	sessionCookieName,
	validateSessionToken,
	type Session
} from '../sessions';
import type { AuthDb, AuthRateLimits, RateLimitRule } from '../settings';

export interface AuthRouteDeps extends AuthDb {
	mailer: MailQueue;
	/** Where people reach the console; links and cookie attributes follow it. */
	site: SiteUrl;
	/** Called after an account's name or email changed (membership entries show both). */
	onAccountChanged?: (account: Account) => void;
	/**
	 * Called after sessions ended here (signed out, ended from Personal Settings, a password
	 * reset): connections opened with them must close now, not at their next periodic check.
	 */
	onSessionsEnded?: () => void;
	/**
	 * Why the account may not sign in now, or null: asked before every new session (its zone's
	 * identity provider deactivated it: server/scim/sign-in-hold.ts). @default never refused
	 */
	signInRefusal?: (account: Account) => Failure<'deactivated-by-identity-provider'> | null;
	/**
	 * Why the account may not change its own address, or null (its zone's identity provider
	 * provisions it: server/scim/sign-in-hold.ts). @default always allowed
	 */
	addressChangeRefusal?: (
		account: Account
	) => Failure<'address-managed-by-identity-provider'> | null;
	log: Log;
	/** Counts the refusals of the rate limits made with `limiter`. */
	metrics: Metrics;
	/**
	 * The refusal of the console's own ways in (links, passwords, resets, invitation links) for an
	 * address whose zone requires its identity provider (server/identity/requirement.ts); null
	 * when they are open. Unset: always open.
	 */
	providerRequiredFor?: (
		email: string
	) => Failure<'identity-provider-required', { zoneName: string }> | null;
}

export interface AuthContext extends AuthRouteDeps {
	limiters: { [Rule in keyof AuthRateLimits]: RateLimiter };
	/** A rate limiter on the settings' clock, whose refusals are counted under its `name`. */
	limiter(name: string, rule: RateLimitRule): RateLimiter;
}

export function createAuthContext(deps: AuthRouteDeps): AuthContext {
	const { rateLimits, now } = deps.settings;
	const limiter = (name: string, rule: RateLimitRule) =>
		new RateLimiter({ ...rule, now, onRefused: () => deps.metrics.limitRefused(name) });
	const authLimiter = (rule: keyof AuthRateLimits) => limiter(rule, rateLimits[rule]);
	return {
		...deps,
		limiter,
		limiters: {
			mailPerIp: authLimiter('mailPerIp'),
			mailPerEmail: authLimiter('mailPerEmail'),
			secretPerIp: authLimiter('secretPerIp'),
			secretPerEmail: authLimiter('secretPerEmail'),
			invitesPerInviter: authLimiter('invitesPerInviter'),
			invitesPerEmail: authLimiter('invitesPerEmail'),
			invitesByFilePerInviter: authLimiter('invitesByFilePerInviter')
		}
	};
}

/** Refuses the console's own ways in for an address whose zone requires its provider. */
export function refuseWhereProviderRequired(context: AuthContext, email: string): void {
	const required = context.providerRequiredFor?.(email) ?? null;
	if (required) throw httpErrorOf(required);
}

/** Counts the request against the limiter; a 429 with Retry-After when it is spent. */
export function enforceLimit(limiter: RateLimiter, key: string): void {
	const decision = limiter.consume(key);
	if (!decision.ok) throw httpErrorOf(decision);
}

export interface SignedIn {
	session: Session;
	account: Account;
}

/** The session token the request presents, in the cookie this deployment sets or as a bearer. */
export function presentedToken(context: AuthContext, request: ApiRequest): string | null {
	return readSessionToken(request.raw, sessionCookieName(context.site));
}

/**
 * The session the request presents. An embedded session (the widget in another portal) counts only
 * where the route says so: a portal vouches for a person inside one project, which must not reach
 * their account (changing its address would hand the account to whoever controls the portal).
 */
export function currentSession(
	context: AuthContext,
	request: ApiRequest,
	options: { allowEmbedded?: boolean } = {}
): SignedIn | null {
	const token = presentedToken(context, request);
	if (!token) return null;
	const result = validateSessionToken(context, token);
	if (!result.session || (result.session.embedded && !options.allowEmbedded)) return null;
	return result;
}

export function requireSignedIn(context: AuthContext, request: ApiRequest): SignedIn {
	const signedIn = currentSession(context, request);
	if (signedIn) return signedIn;
	throw httpErrorOf(fail('unauthenticated', 'Sign in to continue.'));
}

/** Refuses (403) an account that may not sign in now, before anything is done for it. */
export function refuseBlockedSignIn(context: AuthContext, account: Account): void {
	const refusal = context.signInRefusal?.(account);
	if (refusal) throw httpErrorOf(refusal);
}

/**
 * Opens a new session for the account and answers with it, unless the account may not sign in. A session the request already
 * presented ends: a fresh session id at every sign-in (ASVS 3.2.1), whoever was signed in.
 */
export function signInResponse(
	context: AuthContext,
	request: ApiRequest,
	account: Account
): ApiResponse {
	refuseBlockedSignIn(context, account);
	const previous = currentSession(context, request);
	if (previous) endSession(context, previous.session.id);
	const meta = { ip: request.ip, userAgent: request.header('user-agent') ?? '' };
	const created = createSession(context, account.id, meta);
	return { body: { account }, headers: { 'Set-Cookie': sessionCookie(context.site, created) } };
}

/** Ends one session; its open connections close (`onSessionsEnded`). */
export function endSession(context: AuthContext, sessionId: string): void {
	invalidateSession(context.db, sessionId);
	sessionsEnded(context);
}

/** Ends the account's sessions but the one named; their open connections close. */
export function endAccountSessions(
	context: AuthContext,
	accountId: string,
	exceptSessionId?: string
): void {
	invalidateAccountSessions(context.db, accountId, exceptSessionId);
	sessionsEnded(context);
}

/**
 * Tells the listener once the current synchronous work is over, so that a caller inside a
 * transaction is heard after it committed (or rolled back: the listener checks what is stored,
 * so a needless call closes nothing).
 */
function sessionsEnded(context: AuthContext): void {
	queueMicrotask(() => {
		try {
			context.onSessionsEnded?.();
		} catch (error) {
			context.log.error({ err: error }, 'an onSessionsEnded listener failed');
		}
	});
}

export function signedOutHeaders(context: AuthContext): Record<string, string> {
	return { 'Set-Cookie': clearedSessionCookie(context.site) };
}
