/**
 * The embedding API (docs/embedding.md, docs/api.md):
 * - `POST /api/embed/tickets`: a portal's server, with its API key, gets a ticket for one of its
 *   users in one of the projects the portal serves, if that person allowed the portal to act for
 *   them there (a grant, `grant-routes.ts`);
 * - `POST /api/embed/session`: the iframe exchanges the ticket for an embedded session, whose
 *   token it keeps in memory and sends as a bearer token (HTTP) or URL parameter (sync);
 * - `GET /api/embed/portals/:portalId`: the origins the iframe may talk to;
 * - `/api/consortia/:consortiumId/portals`: the console's page to list, register and revoke
 *   portals: Project Admins register them for their projects; the Network Zone's Project Admins,
 *   and those of a project a portal serves, revoke it. Either is mailed to the projects' other
 *   Project Admins.
 */
import {
	CONSENT_REQUIRED,
	canRegisterPortal,
	canRevokePortal,
	consentPath,
	portalProjectsFor,
	type ConsortiumMembership,
	type EmbedSession,
	type PortalList,
	type PortalPublicInfo,
	type RegisteredPortal,
	type RegisterPortalPermit,
	type RevokePortalPermit,
	type TicketResponse,
	fail
} from '../../src/lib/shared';
import { findAccountByEmail, findAccountById } from '../auth/accounts';
import { enforceLimit, refuseBlockedSignIn, requireSignedIn } from '../auth/routes/context';
import { createSession } from '../auth/sessions';
import { findConsortium, findProjectRecord } from '../consortium/store';
import type { HttpError } from '../http/errors';
import { httpErrorOf } from '../http/failure-status';
import type { ApiRequest, Router } from '../http/router';
import { hasGrantFor, markGrantUsed } from './grants';
import { registerGrantRoutes, type GrantRouteDeps } from './grant-routes';
import { consortiumMemberships, isProjectMember } from './managers';
import { mailPortalChange } from './portal-notices';
import { portalNotFound, validId } from './route-params';
import {
	authenticateApiKey,
	describePortal,
	findActivePortal,
	findPortal,
	listPortals,
	registerPortal,
	revokePortal,
	type PortalRecord
} from './portals';
import { MAX_TICKET_LIFETIME_MS, type EmbedSettings } from './settings';
import { consumeTicket, issueTicket, ticketFailure } from './tickets';
import { API } from '../../src/lib/shared/api-contract';

export interface EmbedRouteDeps extends GrantRouteDeps {
	settings: EmbedSettings;
}

export function registerEmbedRoutes(router: Router, deps: EmbedRouteDeps): void {
	const { auth, registry, settings } = deps;
	const { db, mailer, site } = auth;
	const limiter = (rule: keyof EmbedSettings['rateLimits']) =>
		auth.limiter(rule, settings.rateLimits[rule]);
	const ticketsPerIp = limiter('ticketsPerIp');
	const ticketsPerPortal = limiter('ticketsPerPortal');
	const exchangesPerIp = limiter('exchangesPerIp');
	const ticketLifetimeMs = Math.min(settings.ticketLifetimeMs, MAX_TICKET_LIFETIME_MS);

	router.add(
		API.issueTicket,
		async (request): Promise<{ status: number; body: TicketResponse }> => {
			enforceLimit(ticketsPerIp, request.ip);
			// Browsers always say where a POST comes from; servers do not. An API key in a browser
			// is a key anyone can read, so a request that carries an Origin is refused outright.
			if (request.header('origin') !== undefined) {
				throw httpErrorOf(
					fail(
						'server-only',
						'Tickets are asked for by the portal’s server: its API key must never reach a browser.'
					)
				);
			}
			const portal = authenticatePortal(request);
			enforceLimit(ticketsPerPortal, portal.id);
			const { email, projectId } = await request.json();
			const project = findProjectRecord(db, projectId);
			if (!project || project.consortiumId !== portal.consortiumId) {
				throw httpErrorOf(
					fail('project-not-found', 'The portal’s consortium has no project with this id.')
				);
			}
			if (!portal.projectIds.includes(projectId)) throw projectNotInPortal();
			const account = findAccountByEmail(db, email);
			// Without the person's consent the portal learns nothing of them: not even whether the
			// address has an account, or is a member.
			if (!account || !hasGrantFor(db, account.id, portal.id, projectId))
				throw consentRequired(portal, projectId);
			if (!isProjectMember(registry, projectId, account.id)) {
				throw httpErrorOf(
					fail(
						'not-a-member',
						'Nobody with this email address is a member of the project. A Project Admin can invite them.'
					)
				);
			}
			const issued = issueTicket(
				auth,
				{ portalId: portal.id, accountId: account.id, projectId },
				ticketLifetimeMs
			);
			return { status: 201, body: issued };
		}
	);

	router.add(API.exchangeTicket, async (request): Promise<{ body: EmbedSession }> => {
		enforceLimit(exchangesPerIp, request.ip);
		const { ticket, portalId, projectId } = await request.json();
		const check = consumeTicket(auth, ticket);
		if (!check.ok) throw httpErrorOf(check);
		if (check.portalId !== portalId || check.projectId !== projectId) {
			throw httpErrorOf(
				fail(
					'ticket-mismatch',
					'This ticket was issued for another portal or project; it can no longer be used.'
				)
			);
		}
		const portal = findActivePortal(db, portalId);
		const account = findAccountById(db, check.accountId);
		if (!portal || !account) throw httpErrorOf(ticketFailure('ticket-invalid'));
		if (!portal.projectIds.includes(projectId)) throw projectNotInPortal();
		refuseBlockedSignIn(auth, account);
		if (!isProjectMember(registry, projectId, account.id)) {
			throw httpErrorOf(fail('not-a-member', 'You are no longer a member of this project.'));
		}
		if (!hasGrantFor(db, account.id, portal.id, projectId))
			throw consentRequired(portal, projectId);
		markGrantUsed(auth, account.id, portal.id);
		const created = createSession(
			auth,
			account.id,
			{ ip: request.ip, userAgent: request.header('user-agent') ?? '' },
			{ lifetimeMs: settings.sessionLifetimeMs, embedded: { portalId, projectId } }
		);
		return {
			body: {
				token: created.token,
				expiresAt: created.session.expiresAt,
				lifetimeMs: created.session.expiresAt - created.session.createdAt,
				account: { id: account.id, name: account.name, email: account.email },
				portal: { id: portal.id, name: portal.name },
				projectId
			}
		};
	});

	router.add(API.getPortalInfo, (request): { body: PortalPublicInfo } => {
		const portal = findActivePortal(db, validId(request.params.portalId, portalNotFound));
		if (!portal) throw portalNotFound();
		return { body: { id: portal.id, name: portal.name, origins: portal.origins } };
	});

	router.add(API.listPortals, (request): { body: PortalList } => {
		const { consortium, memberships } = consortiumOf(request);
		const viewerProjects = projectNames(memberships);
		return {
			body: {
				consortium: { id: consortium.id, name: consortium.name },
				portals: listPortals(db, consortium.id).map((portal) => ({
					...describePortal(db, portal, consortium.name, viewerProjects),
					canRevoke: canRevokePortal(memberships, portal.projectIds)
				})),
				projects: portalProjectsFor(memberships),
				canRegister: canRegisterPortal(memberships)
			}
		};
	});

	router.add(
		API.registerPortal,
		async (request): Promise<{ status: number; body: RegisteredPortal }> => {
			const { consortium, memberships, account } = consortiumOf(request);
			enforce(canRegisterPortal(memberships));
			const input = await request.json();
			enforce(canRegisterPortal(memberships, input.projectIds));
			const { portal, apiKey } = registerPortal(auth, consortium.id, input, account.id);
			mailPortalChange({ db, mailer, site }, portal, {
				change: 'registered',
				actorId: account.id,
				actorName: account.name
			});
			const described = describePortal(db, portal, consortium.name, projectNames(memberships));
			return { status: 201, body: { portal: described, apiKey } };
		}
	);

	router.add(API.revokePortal, (request) => {
		const { consortium, memberships, account } = consortiumOf(request);
		const portal = findPortal(db, validId(request.params.portalId, portalNotFound));
		if (!portal || portal.consortiumId !== consortium.id) throw portalNotFound();
		enforce(canRevokePortal(memberships, portal.projectIds));
		if (revokePortal(auth, portal.id, account.id)) {
			deps.onSessionsEnded();
			mailPortalChange({ db, mailer, site }, portal, {
				change: 'revoked',
				actorId: account.id,
				actorName: account.name
			});
		}
		return { status: 204 };
	});

	registerGrantRoutes(router, deps);

	function authenticatePortal(request: ApiRequest): PortalRecord {
		const match = /^Bearer\s+(\S+)$/i.exec(request.header('authorization')?.trim() ?? '');
		const portal = match ? authenticateApiKey(db, match[1]!) : null;
		if (portal) return portal;
		throw httpErrorOf(
			fail(
				'api-key-invalid',
				'Send a valid API key as "Authorization: Bearer <key>". A revoked key no longer works.'
			),
			{ 'WWW-Authenticate': 'Bearer realm="embed"' }
		);
	}

	/** The consortium of the route, if the signed-in person is a member of one of its projects. */
	function consortiumOf(request: ApiRequest<typeof API.listPortals>) {
		const { account } = requireSignedIn(auth, request);
		const consortium = findConsortium(db, validId(request.params.consortiumId, consortiumNotFound));
		const memberships = consortium
			? consortiumMemberships(db, registry, consortium.id, account.id)
			: [];
		if (!consortium || memberships.length === 0) throw consortiumNotFound();
		return { consortium, memberships, account };
	}

	function consentRequired(portal: PortalRecord, projectId: string): HttpError {
		return httpErrorOf(
			fail(
				CONSENT_REQUIRED,
				`This person has not allowed ${portal.name} to act for them in this project. The widget asks them, in a window of the console.`,
				{ consentUrl: `${site.url.replace(/\/+$/, '')}${consentPath(portal.id, projectId)}` }
			)
		);
	}
}

function enforce(permit: RegisterPortalPermit | RevokePortalPermit) {
	if (!permit.ok) throw httpErrorOf(permit);
}

function consortiumNotFound(): HttpError {
	return httpErrorOf(
		fail('consortium-not-found', 'There is no such consortium among your projects.')
	);
}

function projectNames(memberships: readonly ConsortiumMembership[]): Map<string, string> {
	return new Map(memberships.map((m) => [m.projectId, m.projectName]));
}

function projectNotInPortal(): HttpError {
	return httpErrorOf(
		fail(
			'project-not-in-portal',
			'This portal is not registered for this project. A Project Admin of the project can register a portal for it.'
		)
	);
}
