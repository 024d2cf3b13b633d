/**
 * The console's provisioning API (docs/api.md): each zone's SCIM token, issued (shown once),
 * replaced and revoked by the consortium office. The SCIM service itself is scim-routes.ts.
 */
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import { orThrow } from '../http/failure-status';
import type { Router } from '../http/router';
import { API } from '../../src/lib/shared/api-contract';
import { issueZoneToken, revokeZoneToken, scimOverview } from './token-admin';

export function registerScimTokenRoutes(
	router: Router,
	auth: AuthContext,
	deps: { site: { url: string } }
): void {
	const { db } = auth;
	const now = () => auth.settings.now();

	router.add(API.getScimOverview, (request) => {
		const { account } = requireSignedIn(auth, request);
		const outcome = scimOverview(db, request.params.id, account.id, deps.site.url);
		return { body: orThrow(outcome).overview };
	});

	router.add(API.issueScimToken, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, zoneId } = request.params;
		const { zone, token, replaced } = orThrow(issueZoneToken(db, id, zoneId, account.id, now()));
		return { status: 201, body: { zone, token, replaced } };
	});

	router.add(API.revokeScimToken, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, zoneId } = request.params;
		orThrow(revokeZoneToken(db, id, zoneId, account.id, now()));
		return { status: 204 };
	});
}
