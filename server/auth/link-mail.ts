/**
 * The emailed links of the identity core: each issues a one-time token and queues the message
 * that carries it, in one transaction (nested as a savepoint when the caller is already in one).
 * Callers that answer "send me a link" requests must answer the same way whatever these return,
 * so that nobody learns which addresses have accounts.
 */
import type { MailQueue } from '../mail/mailer';
import {
	emailChangedNoticeMail,
	emailChangeVerificationMail,
	getStartedMail,
	passwordResetMail,
	signInLinkMail,
	type SiteUrl
} from '../mail/templates';
import { fail, succeed, type Outcome } from '../../src/lib/shared/outcome';
import { findAccountByEmail, type Account } from './accounts';
import type { AuthDb } from './settings';
import type { TokenPurpose } from './settings';
import { issueToken, revokeTokens } from './tokens';
import { performNow } from '../db/work';

/** A link sent, or why none was (the routes answer the same either way: nobody learns which). */
export type LinkOutcome<Code extends string = 'no-account'> = Outcome<{ expiresAt: number }, Code>;

const NO_ACCOUNT = fail('no-account', 'No account has this address: no link was sent.');

/**
 * Sends a sign-in link to an account's address: the plain kind from the sign-in page, or the
 * Get Started kind after registration. Nothing is sent to an address without an account.
 */
export function issueSignInLink(
	auth: AuthDb,
	mailer: MailQueue,
	site: SiteUrl,
	email: string,
	kind: 'sign-in' | 'get-started'
): LinkOutcome {
	const { db } = auth;
	return db.transaction((): LinkOutcome => {
		const account = findAccountByEmail(db, email);
		if (!account) return NO_ACCOUNT;
		const { token, expiresAt } = performNow(
			db,
			issueToken(auth.settings, { purpose: 'sign-in', email: account.email })
		);
		const mail = { site, to: account.email, token, lifetimeMs: lifetime(auth, 'sign-in') };
		mailer.enqueue(
			kind === 'get-started'
				? getStartedMail({ ...mail, name: account.name })
				: signInLinkMail(mail)
		);
		return succeed({ expiresAt });
	})();
}

/** Sets or resets a password: the link goes to the account's current address. */
export function issuePasswordResetLink(
	auth: AuthDb,
	mailer: MailQueue,
	site: SiteUrl,
	email: string
): LinkOutcome {
	const { db } = auth;
	return db.transaction((): LinkOutcome => {
		const account = findAccountByEmail(db, email);
		if (!account) return NO_ACCOUNT;
		const { token, expiresAt } = performNow(
			db,
			issueToken(auth.settings, {
				purpose: 'password-reset',
				email: account.email,
				subject: account.id
			})
		);
		const lifetimeMs = lifetime(auth, 'password-reset');
		mailer.enqueue(passwordResetMail({ site, to: account.email, token, lifetimeMs }));
		return succeed({ expiresAt });
	})();
}

/**
 * Asks to move an account to a new address: a notice to the old address, and a verification
 * link to the new one unless another account holds it (its owner learns nothing from us). Only
 * the latest request stays valid.
 */
export function issueEmailChangeLink(
	auth: AuthDb,
	mailer: MailQueue,
	site: SiteUrl,
	account: Account,
	newEmail: string
): LinkOutcome<'email-taken'> {
	const { db } = auth;
	return db.transaction((): LinkOutcome<'email-taken'> => {
		performNow(db, revokeTokens('email-change', account.id));
		mailer.enqueue(
			emailChangedNoticeMail({ site, to: account.email, name: account.name, newEmail })
		);
		if (findAccountByEmail(db, newEmail)) {
			return fail('email-taken', 'Another account uses this address: no link was sent.');
		}
		const { token, expiresAt } = performNow(
			db,
			issueToken(auth.settings, { purpose: 'email-change', email: newEmail, subject: account.id })
		);
		const lifetimeMs = lifetime(auth, 'email-change');
		mailer.enqueue(
			emailChangeVerificationMail({ site, to: newEmail, name: account.name, token, lifetimeMs })
		);
		return succeed({ expiresAt });
	})();
}

function lifetime(auth: AuthDb, purpose: TokenPurpose): number {
	return auth.settings.tokenLifetimesMs[purpose];
}
