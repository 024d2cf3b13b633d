/**
 * Lifetimes, costs and the clock of the identity core, and `AuthDb`, which carries them with the
 * database handle to the functions that need them (`validateSessionToken(auth, token)` during a
 * WebSocket upgrade, `issueToken(auth, ...)` inside a synchronous sync step): one value, made at
 * startup, so every caller has the same clock and lifetimes.
 */
import type { Db } from '../db/database';
import type { ScryptCost } from './passwords';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What a one-time link is for; each purpose has its own lifetime. */
export const TOKEN_PURPOSES = ['sign-in', 'password-reset', 'email-change', 'invite'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export interface SessionPolicy {
	/** A session unused this long ends (sliding; ASVS 3.3.2). @default 7 days */
	idleTimeoutMs: number;
	/** A session ends this long after sign-in however much it is used (ASVS 3.3.2). @default 30 days */
	absoluteLifetimeMs: number;
	/**
	 * Use of a session is recorded at most this often, to spare a write on every request.
	 * @default 1 minute
	 */
	activityWriteIntervalMs: number;
	/**
	 * How often open sync connections are checked against their session: those of an expired
	 * session, or of one ended by another process (the command line revoking a portal), close.
	 * Sessions this server ends have their connections closed at once.
	 * @default 10 seconds
	 */
	recheckConnectionsEveryMs: number;
}

/** At most `limit` requests per `windowMs` for one key. */
export interface RateLimitRule {
	limit: number;
	windowMs: number;
}

/**
 * Limits on the endpoints that send mail or check a secret, each counted per client address and
 * per email address (ASVS 2.2.1), and on invitations, which are mailed by the server when it
 * accepts them into a project document (no request, so no client address: they are counted per
 * inviting account instead).
 */
export interface AuthRateLimits {
	/**
	 * Requests that send mail, per client address: one client cannot make the console mail many
	 * addresses (spam through us, or a probe of which addresses have accounts).
	 * @default 20 per 15 minutes
	 */
	mailPerIp: RateLimitRule;
	/**
	 * Requests that send mail, per address mailed: nobody can flood one inbox.
	 * @default 5 per 15 minutes
	 */
	mailPerEmail: RateLimitRule;
	/**
	 * Password and link-token checks per client address: slows guessing from one client.
	 * @default 30 per 15 minutes
	 */
	secretPerIp: RateLimitRule;
	/**
	 * Password attempts per account address: slows guessing one account's password from many
	 * clients. Email links keep working, so an attacker who trips it cannot lock the owner out.
	 * @default 10 per 15 minutes
	 */
	secretPerEmail: RateLimitRule;
	/**
	 * Invitation mails (new or resent) per inviting account: a Project Admin, or whoever holds their
	 * session, cannot make the console mail strangers without bound.
	 * @default 100 per hour
	 */
	invitesPerInviter: RateLimitRule;
	/**
	 * Invitation mails per address invited, whoever invites: nobody can flood one inbox by
	 * resending, or by inviting it to many projects.
	 * @default 5 per hour
	 */
	invitesPerEmail: RateLimitRule;
	/**
	 * People invited from CSV files per inviting account, counted when a file is applied (the rows
	 * that send an invitation or add someone): one file is one previewed, audited act, so its
	 * invitations are not counted one by one against `invitesPerInviter`, but a session in the wrong
	 * hands still cannot mail strangers without bound. Keep it above a file's 2,000 rows.
	 * @default 5000 per day
	 */
	invitesByFilePerInviter: RateLimitRule;
}

export interface AuthPolicy {
	sessions: SessionPolicy;
	/** How long an emailed link stays valid, per purpose. @default sign-in 15 min, reset and email change 1 h, invite 7 days */
	tokenLifetimesMs: Record<TokenPurpose, number>;
	/** scrypt parameters for new password hashes. @default OWASP's N=2^17, r=8, p=1 */
	passwordCost: ScryptCost;
	rateLimits: AuthRateLimits;
}

export interface AuthSettings extends AuthPolicy {
	/** Milliseconds since the epoch; tests move it forward instead of sleeping. */
	now(): number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
	sessions: {
		idleTimeoutMs: 7 * DAY,
		absoluteLifetimeMs: 30 * DAY,
		activityWriteIntervalMs: MINUTE,
		recheckConnectionsEveryMs: 10_000
	},
	tokenLifetimesMs: {
		'sign-in': 15 * MINUTE,
		'password-reset': HOUR,
		'email-change': HOUR,
		invite: 7 * DAY
	},
	passwordCost: { log2N: 17, r: 8, p: 1 },
	rateLimits: {
		mailPerIp: { limit: 20, windowMs: 15 * MINUTE },
		mailPerEmail: { limit: 5, windowMs: 15 * MINUTE },
		secretPerIp: { limit: 30, windowMs: 15 * MINUTE },
		secretPerEmail: { limit: 10, windowMs: 15 * MINUTE },
		invitesPerInviter: { limit: 100, windowMs: HOUR },
		invitesPerEmail: { limit: 5, windowMs: HOUR },
		invitesByFilePerInviter: { limit: 5000, windowMs: DAY }
	}
};

/**
 * The database of the identity core with the settings and the clock it runs under: made once at
 * startup (`createApp`, the admin command) and passed to every function that needs either.
 */
export interface AuthDb {
	readonly db: Db;
	readonly settings: AuthSettings;
}
