/**
 * A person's grants to portals (docs/embedding.md, "Consent"). For the console only: a console
 * session (its first-party cookie), never an embedded one (a portal must not allow itself), and
 * the API's Origin check on every change.
 * - `GET /api/embed/portals/:portalId/consent`: what the consent window shows;
 * - `POST /api/embed/grants`: the person allows the portal to act for them in the projects named;
 * - `GET /api/embed/grants`: the person's grants (Personal Settings);
 * - `DELETE /api/embed/grants/:portalId`: takes one back; that portal's sessions of theirs end now.
 */
import {
	type ConsentInfo,
	type PortalGrant,
	type PortalGrantList,
	type PortalProject,
	fail
} from '../../src/lib/shared';
import { requireSignedIn } from '../auth/routes/context';
import { findConsortium, findProjectRecord } from '../consortium/store';
import type { HttpError } from '../http/errors';
import { httpErrorOf } from '../http/failure-status';
import type { Router } from '../http/router';
import { allowPortal, findGrant, listGrants, removeGrant, type GrantRecord } from './grants';
import { isProjectMember } from './managers';
import { describePortal, findActivePortal, type PortalRecord } from './portals';
import { portalNotFound, validId } from './route-params';
import type { AuthContext } from '../auth/routes/context';
import type { DocumentRegistry } from '../sync/registry';
import { API } from '../../src/lib/shared/api-contract';

export interface GrantRouteDeps {
	auth: AuthContext;
	registry: DocumentRegistry;
	/** Told after a person's grant was removed, so that the portal's open connections close. */
	onSessionsEnded: () => void;
}

export function registerGrantRoutes(router: Router, deps: GrantRouteDeps): void {
	const { auth, registry } = deps;
	const { db } = auth;

	router.add(API.getConsentInfo, (request): { body: ConsentInfo } => {
		const { account } = requireSignedIn(auth, request);
		const portal = activePortal(request.params.portalId);
		const projects = projectsOfMember(portal, account.id);
		if (projects.length === 0) {
			throw httpErrorOf(
				fail(
					'consent-not-a-member',
					`You are not a member of any project ${portal.name} serves: there is nothing for it to show you.`
				)
			);
		}
		const consortium = findConsortium(db, portal.consortiumId)!;
		const described = describePortal(db, portal, consortium.name, new Map());
		return {
			body: {
				account: { id: account.id, name: account.name, email: account.email },
				portal: {
					id: portal.id,
					name: portal.name,
					origins: portal.origins,
					consortiumName: consortium.name,
					createdByName: described.createdByName,
					createdAt: portal.createdAt
				},
				projects,
				allowedProjectIds: findGrant(db, account.id, portal.id)?.projectIds ?? []
			}
		};
	});

	router.add(API.allowPortal, async (request): Promise<{ status: number; body: PortalGrant }> => {
		const { account } = requireSignedIn(auth, request);
		const { portalId, projectIds } = await request.json();
		const portal = findActivePortal(db, portalId);
		if (!portal) throw portalNotFound();
		const allowable = new Set(projectsOfMember(portal, account.id).map((project) => project.id));
		const others = projectIds.filter((id) => !allowable.has(id));
		if (others.length > 0) {
			throw httpErrorOf(
				fail(
					'grant-project-invalid',
					`${portal.name} can act for you only in projects it serves and you are a member of, and ${others.join(', ')} is not one.`
				)
			);
		}
		const grant = allowPortal(auth, account.id, portal.id, projectIds);
		return { status: 201, body: describeGrant(grant, portal) };
	});

	router.add(API.listPortalGrants, (request): { body: PortalGrantList } => {
		const { account } = requireSignedIn(auth, request);
		const grants = listGrants(db, account.id).flatMap((grant) => {
			const portal = findActivePortal(db, grant.portalId);
			return portal ? [describeGrant(grant, portal)] : [];
		});
		return { body: { grants } };
	});

	router.add(API.removePortalGrant, (request) => {
		const { account } = requireSignedIn(auth, request);
		const portalId = validId(request.params.portalId, grantNotFound);
		if (!removeGrant(db, account.id, portalId)) throw grantNotFound();
		deps.onSessionsEnded();
		return { status: 204 };
	});

	function activePortal(portalId: string | undefined): PortalRecord {
		const portal = findActivePortal(db, validId(portalId, portalNotFound));
		if (!portal) throw portalNotFound();
		return portal;
	}

	/** The projects the portal serves that the person is a member of now: all it could act in. */
	function projectsOfMember(portal: PortalRecord, accountId: string): PortalProject[] {
		return portal.projectIds
			.filter((projectId) => isProjectMember(registry, projectId, accountId))
			.map((projectId) => ({ id: projectId, name: projectName(projectId) }));
	}

	function describeGrant(grant: GrantRecord, portal: PortalRecord): PortalGrant {
		return {
			portal: { id: portal.id, name: portal.name, origins: portal.origins },
			projects: grant.projectIds.map((id) => ({ id, name: projectName(id) })),
			createdAt: grant.createdAt,
			lastUsedAt: grant.lastUsedAt
		};
	}

	function projectName(projectId: string): string {
		return findProjectRecord(db, projectId)?.name ?? projectId;
	}
}

function grantNotFound(): HttpError {
	return httpErrorOf(fail('grant-not-found', 'You have not allowed this portal to act for you.'));
}
