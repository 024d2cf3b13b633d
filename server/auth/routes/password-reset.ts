/**
 * Setting or resetting a password, always through a link to the account's address: from the
 * sign-in page when it is forgotten, and from Personal Settings to set or change it (the seed:
 * "a reset password request will be sent to your email"). Choosing the password ends every
 * session of the account (ASVS 3.3.3) and opens a new one for the person who chose it.
 */
import { httpErrorOf } from '../../http/failure-status';
import type { Router } from '../../http/router';
import { findAccountById, setAccountPassword, type Account } from '../accounts';
import { issuePasswordResetLink } from '../link-mail';
import { hashPassword } from '../passwords';
import { consumeToken, peekToken, revokeTokens, tokenFailure, type TokenCheck } from '../tokens';
import { performNow } from '../../db/work';
import {
	endAccountSessions,
	enforceLimit,
	refuseWhereProviderRequired,
	refuseBlockedSignIn,
	signInResponse,
	type AuthContext
} from './context';
import { API } from '../../../src/lib/shared/api-contract';

export function registerPasswordResetRoutes(router: Router, context: AuthContext): void {
	const { db, limiters } = context;

	router.add(API.requestPasswordReset, async (request) => {
		enforceLimit(limiters.mailPerIp, request.ip);
		const { email } = await request.json();
		// Its provider keeps the passwords of a zone that requires it.
		refuseWhereProviderRequired(context, email);
		enforceLimit(limiters.mailPerEmail, email);
		// Unknown addresses get nothing, and the same answer.
		issuePasswordResetLink(context, context.mailer, context.site, email);
		return { status: 202, body: { ok: true } };
	});

	router.add(API.confirmPasswordReset, async (request) => {
		enforceLimit(limiters.secretPerIp, request.ip);
		const { token, password } = await request.json();
		// Check first, hash (slow, asynchronous), then consume: a token is used up only when the
		// password it allowed is actually stored.
		refuseWhereProviderRequired(
			context,
			resetAccount(
				context,
				performNow(context.db, peekToken(context.settings, token, 'password-reset'))
			).email
		);
		const passwordHash = await hashPassword(password, context.settings.passwordCost);
		const account = db.transaction(() => {
			const target = resetAccount(
				context,
				performNow(context.db, consumeToken(context.settings, token, 'password-reset'))
			);
			setAccountPassword(context, target.id, passwordHash);
			endAccountSessions(context, target.id);
			// Other reset links, and a pending change of address, were perhaps an intruder's.
			performNow(db, revokeTokens('password-reset', target.id));
			performNow(db, revokeTokens('email-change', target.id));
			return findAccountById(db, target.id)!;
		})();
		return signInResponse(context, request, account);
	});
}

/** The account a reset link is for, if the link is good and the address unchanged since. */
function resetAccount(context: AuthContext, check: TokenCheck): Account {
	if (!check.ok) throw httpErrorOf(check);
	const account = check.subject ? findAccountById(context.db, check.subject) : null;
	if (!account || account.email !== check.email) throw httpErrorOf(tokenFailure('token-invalid'));
	// Before the password is set: a person who may not sign in changes nothing.
	refuseBlockedSignIn(context, account);
	return account;
}
