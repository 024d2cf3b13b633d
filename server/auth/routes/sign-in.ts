/**
 * Signing in and out: by emailed link (the default: most people never set a password), by
 * password, and the current session. Both ways of signing in answer the same whether or not an
 * address has an account, so that the API does not tell strangers who uses the console.
 */
import { fail } from '../../../src/lib/shared/outcome';
import { httpErrorOf } from '../../http/failure-status';
import type { Router } from '../../http/router';
import { findAccountByEmail, findPasswordHash, setAccountPassword } from '../accounts';
import { issueSignInLink } from '../link-mail';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../passwords';
import { consumeToken, tokenFailure } from '../tokens';
import { performNow } from '../../db/work';
import {
	currentSession,
	endSession,
	enforceLimit,
	presentedToken,
	refuseWhereProviderRequired,
	signedOutHeaders,
	signInResponse,
	type AuthContext
} from './context';
import { API } from '../../../src/lib/shared/api-contract';

export function registerSignInRoutes(router: Router, context: AuthContext): void {
	const { db, limiters } = context;
	// Made now, so that the first sign-in attempt for an unknown address is not the slow one.
	dummyPasswordHash(context.settings.passwordCost).catch((error: unknown) =>
		context.log.error({ err: error }, 'could not prepare the dummy password hash')
	);

	router.add(API.requestSignInLink, async (request) => {
		enforceLimit(limiters.mailPerIp, request.ip);
		const { email } = await request.json();
		refuseWhereProviderRequired(context, email);
		enforceLimit(limiters.mailPerEmail, email);
		// An unknown address gets no mail at all: the answer below is the same either way.
		issueSignInLink(context, context.mailer, context.site, email, 'sign-in');
		return { status: 202, body: { ok: true } };
	});

	router.add(API.consumeSignInLink, async (request) => {
		enforceLimit(limiters.secretPerIp, request.ip);
		const { token } = await request.json();
		const check = performNow(context.db, consumeToken(context.settings, token, 'sign-in'));
		if (!check.ok) throw httpErrorOf(check);
		const account = findAccountByEmail(db, check.email);
		if (!account) throw httpErrorOf(tokenFailure('token-invalid'));
		// A link sent before the zone came to require its provider.
		refuseWhereProviderRequired(context, account.email);
		return signInResponse(context, request, account);
	});

	router.add(API.signInWithPassword, async (request) => {
		enforceLimit(limiters.secretPerIp, request.ip);
		const { email, password } = await request.json();
		// Decided by the address's domain alone: the refusal says nothing about any account.
		refuseWhereProviderRequired(context, email);
		enforceLimit(limiters.secretPerEmail, email);
		const cost = context.settings.passwordCost;
		const found = findPasswordHash(db, email);
		// Unknown address or no password: verify against a dummy hash anyway, so that the answer
		// takes as long as for a wrong password.
		const stored = found?.passwordHash ?? (await dummyPasswordHash(cost));
		const valid = await verifyPassword(stored, password);
		if (!found?.passwordHash || !valid) {
			throw httpErrorOf(fail('invalid-credentials', 'The email address or password is wrong.'));
		}
		if (needsRehash(found.passwordHash, cost)) {
			setAccountPassword(context, found.account.id, await hashPassword(password, cost));
		}
		return signInResponse(context, request, found.account);
	});

	router.add(API.signOut, (request) => {
		const signedIn = currentSession(context, request, { allowEmbedded: true });
		if (signedIn) endSession(context, signedIn.session.id);
		return { status: 204, headers: signedOutHeaders(context) };
	});

	router.add(API.getSession, (request) => {
		const signedIn = currentSession(context, request);
		if (!signedIn) {
			throw httpErrorOf(
				fail('unauthenticated', 'You are not signed in.'),
				presentedToken(context, request) ? signedOutHeaders(context) : undefined
			);
		}
		const { account, session } = signedIn;
		return { body: { account, session: { id: session.id, expiresAt: session.expiresAt } } };
	});
}
