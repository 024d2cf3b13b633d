/**
 * The account's sessions, for Personal Settings: where it is signed in, and a way to end any of
 * those sessions or all but the current one (ASVS 3.3.4).
 */
import { fail } from '../../../src/lib/shared/outcome';
import { httpErrorOf } from '../../http/failure-status';
import type { Router } from '../../http/router';
import { listAccountSessions } from '../sessions';
import { revokeTokens } from '../tokens';
import { performNow } from '../../db/work';
import {
	endAccountSessions,
	endSession,
	requireSignedIn,
	signedOutHeaders,
	type AuthContext
} from './context';
import { API } from '../../../src/lib/shared/api-contract';

export function registerSessionRoutes(router: Router, context: AuthContext): void {
	const { db } = context;

	router.add(API.listSessions, (request) => {
		const { account, session: current } = requireSignedIn(context, request);
		const sessions = listAccountSessions(context, account.id).map((session) => ({
			id: session.id,
			createdAt: session.createdAt,
			lastSeenAt: session.lastSeenAt,
			expiresAt: session.expiresAt,
			ip: session.ip,
			userAgent: session.userAgent,
			current: session.id === current.id,
			embedded: session.embedded !== null
		}));
		return { body: { sessions } };
	});

	router.add(API.endSession, (request) => {
		const { account, session: current } = requireSignedIn(context, request);
		const target = listAccountSessions(context, account.id).find(
			(session) => session.id === request.params.id
		);
		if (!target) {
			throw httpErrorOf(fail('session-not-found', 'There is no such session of yours.'));
		}
		endSession(context, target.id);
		return { status: 204, headers: target.id === current.id ? signedOutHeaders(context) : {} };
	});

	router.add(API.endOtherSessions, (request) => {
		const { account, session } = requireSignedIn(context, request);
		endAccountSessions(context, account.id, session.id);
		// Whoever else was signed in may have asked to move the account to their own address.
		performNow(db, revokeTokens('email-change', account.id));
		return { status: 204 };
	});
}
