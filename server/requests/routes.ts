/**
 * The requests API (docs/api.md): the boards a Network Zone user may ask to be subscribed to,
 * sending a request and withdrawing it.
 */
import { enforceLimit, requireSignedIn, type AuthContext } from '../auth/routes/context';
import type { Router } from '../http/router';
import type { RateLimitRule } from '../auth/settings';
import { orThrow } from '../http/failure-status';
import { requestableBoards, submitRequest, withdrawRequest, type RequestDeps } from './requests';
import { API } from '../../src/lib/shared/api-contract';

export function registerRequestRoutes(
	router: Router,
	auth: AuthContext,
	deps: RequestDeps & { limits: { requestsPerAccount: RateLimitRule } }
): void {
	const requestsPerAccount = auth.limiter('requestsPerAccount', deps.limits.requestsPerAccount);

	router.add(API.listRequestableBoards, (request) => {
		const { account } = requireSignedIn(auth, request);
		return { body: orThrow(requestableBoards(deps, request.params.id, account.id)).boards };
	});

	router.add(API.submitRequest, async (request) => {
		const { account } = requireSignedIn(auth, request);
		enforceLimit(requestsPerAccount, account.id);
		const input = await request.json();
		const { request: sent } = orThrow(submitRequest(deps, request.params.id, account, input));
		return { status: 201, body: { request: sent } };
	});

	router.add(API.withdrawRequest, (request) => {
		const { account } = requireSignedIn(auth, request);
		orThrow(withdrawRequest(deps, request.params.id, request.params.requestId, account.id));
		return { status: 204 };
	});
}
