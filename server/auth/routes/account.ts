/**
 * Personal Settings: the name, and the email address. A new address counts only once it is
 * verified: the change waits for the link sent to it, and the old address is told at once so
 * that its owner can stop a change they did not ask for.
 */
import { fail } from '../../../src/lib/shared/outcome';
import { httpErrorOf } from '../../http/failure-status';
import type { ApiRequest, Router } from '../../http/router';
import { changeAccountEmail, findAccountById, renameAccount, type Account } from '../accounts';
import { issueEmailChangeLink } from '../link-mail';
import { consumeToken, peekToken, tokenFailure, type TokenCheck } from '../tokens';
import { performNow } from '../../db/work';
import {
	enforceLimit,
	refuseWhereProviderRequired,
	requireSignedIn,
	type AuthContext
} from './context';
import { API } from '../../../src/lib/shared/api-contract';

export function registerAccountRoutes(router: Router, context: AuthContext): void {
	const { db, limiters } = context;
	// The change is committed by the time listeners hear of it: a listener's failure is logged,
	// never turned into an error for the person whose change did happen.
	const announce = (account: Account, request: ApiRequest) => {
		try {
			context.onAccountChanged?.(account);
		} catch (error) {
			request.log.error({ err: error }, 'an onAccountChanged listener failed');
		}
	};

	router.add(API.updateAccount, async (request) => {
		const { account } = requireSignedIn(context, request);
		const { name } = await request.json();
		const renamed = renameAccount(context, account.id, name)!;
		announce(renamed, request);
		return { body: { account: renamed } };
	});

	router.add(API.requestEmailChange, async (request) => {
		const { account } = requireSignedIn(context, request);
		enforceLimit(limiters.mailPerIp, request.ip);
		const { email } = await request.json();
		if (email === account.email) {
			throw httpErrorOf(
				fail('email-unchanged', 'This is already your address.', {
					fields: { email: ['This is already your address'] }
				})
			);
		}
		refuseAddressChange(context, account, email);
		enforceLimit(limiters.mailPerEmail, email);
		enforceLimit(limiters.mailPerEmail, account.email);
		// When another account holds the address, no link goes there, and the answer is the same.
		issueEmailChangeLink(context, context.mailer, context.site, account, email);
		return { status: 202, body: { ok: true } };
	});

	// No session needed: the link may be opened on another device; the token proves control of
	// the new address and names the account.
	router.add(API.confirmEmailChange, async (request) => {
		enforceLimit(limiters.secretPerIp, request.ip);
		const { token } = await request.json();
		const changed = db.transaction(() => {
			// Peek first so that a refusal (address taken meanwhile) leaves the link unused.
			const target = changeTarget(
				context,
				performNow(context.db, peekToken(context.settings, token, 'email-change'))
			);
			// Asked again: the account may have been provisioned, or the address's zone come to
			// require its provider, since the link was sent.
			refuseAddressChange(context, target.account, target.email);
			const change = changeAccountEmail(context, target.account.id, target.email);
			// The account was there a moment ago, in this transaction: a link to no account is invalid.
			if (!change.ok) {
				throw httpErrorOf(change.code === 'email-taken' ? change : tokenFailure('token-invalid'));
			}
			changeTarget(
				context,
				performNow(context.db, consumeToken(context.settings, token, 'email-change'))
			);
			return change.account;
		})();
		announce(changed, request);
		return { body: { account: changed } };
	});
}

/**
 * Refuses moving the account to `email` when its zone's identity provider provisions it (the
 * provider changes its address), or when the new address's zone requires its provider (which,
 * not a mailed link, vouches for such addresses).
 */
function refuseAddressChange(context: AuthContext, account: Account, email: string): void {
	const managed = context.addressChangeRefusal?.(account);
	if (managed) throw httpErrorOf(managed);
	refuseWhereProviderRequired(context, email);
}

function changeTarget(
	context: AuthContext,
	check: TokenCheck
): { account: Account; email: string } {
	if (!check.ok) throw httpErrorOf(check);
	const account = check.subject ? findAccountById(context.db, check.subject) : null;
	if (!account) throw httpErrorOf(tokenFailure('token-invalid'));
	return { account, email: check.email };
}
