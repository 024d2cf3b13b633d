/**
 * The offboarding API (docs/api.md): the member libraries, the preview of one's offboarding and
 * its apply, for the consortium office only. Reading and applying are synchronous after the body
 * is read: the plan an apply checks is the one it applies.
 */
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import { orThrow } from '../http/failure-status';
import type { Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import { API } from '../../src/lib/shared/api-contract';
import { applyOffboarding } from './apply';
import { listOffboardingZones, previewOffboarding } from './preview';

export function registerOffboardingRoutes(
	router: Router,
	auth: AuthContext,
	deps: { registry: DocumentRegistry }
): void {
	const sources = { db: auth.db, registry: deps.registry };

	router.add(API.listOffboardingZones, (request) => {
		const { account } = requireSignedIn(auth, request);
		return { body: orThrow(listOffboardingZones(sources, request.params.id, account.id)).zones };
	});

	router.add(API.previewOffboarding, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, zoneId } = request.params;
		return { body: orThrow(previewOffboarding(sources, id, zoneId, account.id)).plan };
	});

	router.add(API.applyOffboarding, async (request) => {
		const { account } = requireSignedIn(auth, request);
		const body = await request.json();
		const { id, zoneId } = request.params;
		const applied = applyOffboarding(
			{ auth, registry: deps.registry },
			id,
			zoneId,
			account.id,
			body
		);
		return { body: orThrow(applied).result };
	});
}
