/**
 * The identity API (docs/api.md): sign-in by link or password, sessions, Personal Settings and
 * password resets. Registered on the app's router, which checks the Origin of every
 * state-changing request and answers every response with `Cache-Control: no-store`.
 */
import type { Router } from '../../http/router';
import { registerAccountRoutes } from './account';
import { createAuthContext, type AuthContext, type AuthRouteDeps } from './context';
import { registerPasswordResetRoutes } from './password-reset';
import { registerSessionRoutes } from './sessions';
import { registerSignInRoutes } from './sign-in';

export type { AuthRouteDeps } from './context';

/** Registers the routes; returns their context, for other routes that sign people in. */
export function registerAuthRoutes(router: Router, deps: AuthRouteDeps): AuthContext {
	const context = createAuthContext(deps);
	registerSignInRoutes(router, context);
	registerPasswordResetRoutes(router, context);
	registerAccountRoutes(router, context);
	registerSessionRoutes(router, context);
	return context;
}
