/**
 * The directory API (docs/api.md): the projects a Network Zone user may ask to join, across the
 * consortia in institution-zone management whose Network Zone they belong to.
 */
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import type { Db } from '../db/database';
import type { Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import { directoryFor } from './directory';
import { API } from '../../src/lib/shared/api-contract';

export function registerDirectoryRoutes(
	router: Router,
	auth: AuthContext,
	deps: { db: Db; registry: DocumentRegistry }
): void {
	router.add(API.getDirectory, (request) => {
		const { account } = requireSignedIn(auth, request);
		return { body: directoryFor(deps.db, deps.registry, account.id) };
	});
}
