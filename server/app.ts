/**
 * The console's server: one HTTP server that answers the JSON API under /api, the sync endpoint
 * under /sync (WebSocket), and the built SPA everywhere else. `createApp` wires the parts; tests
 * start it on port 0 and close it when they are done.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Account } from './auth/accounts';
import { startHousekeeping } from './auth/housekeeping';
import { registerAuthRoutes } from './auth/routes';
import { readSessionToken, sessionCookieName } from './auth/session-cookie';
import { isSessionCurrent, validateSessionToken } from './auth/sessions';
import type { AuthDb } from './auth/settings';
import type { Config } from './config';
import { updateMemberEntriesOf } from './consortium/accounts-in-projects';
import { projectDirectory } from './consortium/project-directory';
import { projectMembershipIntoUserDocuments } from './consortium/user-projection';
import type { Db } from './db/database';
import { openConsoleDatabase } from './schema';
import { embedFrameAncestors, keepsOpener } from './embed/frame-policy';
import { registerEmbedRoutes } from './embed/routes';
import { ProviderClients } from './identity/provider-client';
import { providerRequiredFor } from './identity/requirement';
import { registerIdentityRoutes } from './identity/routes';
import { SecretBox } from './identity/secret-box';
import { deleteStaleTickets } from './embed/tickets';
import { WIDGET_SCRIPT_PATH, widgetScript } from './embed/widget-script';
import { registerInvitationAdminRoutes } from './invitations/admin-routes';
import { registerInvitationRoutes } from './invitations/routes';
import { CountedSendings, sendInvitationsOnChange } from './invitations/sending';
import { mailHandoverRequests } from './handovers/handover-mail';
import { statusOf } from './http/failure-status';
import { originPolicy } from './http/origin';
import { BAD_REQUEST_TARGET, parseRequestTarget } from './http/request-target';
import { Router, sendJson } from './http/router';
import { setBaselineHeaders } from './http/security-headers';
import { SYNC_TOKEN_PARAM } from '../src/lib/shared';
import { staticFiles } from './http/static';
import { registerDevOutboxRoute } from './dev/outbox-route';
import { dropExpiredNotices } from './notices/leave-notice';
import { tellMembersWhatHappened } from './notices/membership-news';
import { Mailer } from './mail/mailer';
import { countQueuedMessages } from './mail/outbox';
import { logAnswer } from './http/access-log';
import { createLogger, type Log } from './observability/log';
import { createMetrics, UNMEASURED, type MetricsRegistry } from './observability/metrics';
import { METRICS_PATH, metricsRoute, metricsServer } from './observability/metrics-route';
import { REQUEST_ID_HEADER, requestIdOf, whileHandling } from './observability/request-id';
import type { Principal } from './sync/connection';
import type { SyncLimits } from './sync/limits';
import { measuredDocumentStore, sqliteDocumentStore } from './sync/persistence';
import { DocumentRegistry, type RegistryOptions } from './sync/registry';
import { attachSyncServer, revokeLostAccess, type SyncServer } from './sync/sync-server';
import type { DigestScheduler } from './subscriptions/digest-scheduler';
import type { ReviewScheduler } from './reviews/review-scheduler';
import type { AccessEndScheduler } from './access-ends/scheduler';
import {
	startWorkflows,
	storedStateAccess,
	workflowIndexes,
	type WorkflowLimits
} from './features';
import { API, type RouteContract } from '../src/lib/shared/api-contract';
import { DEFAULT_SCIM_LIMITS, type ScimLimits } from './scim/limits';
import { registerScimTokenRoutes } from './scim/routes';
import { isScimPath, scimService } from './scim/scim-routes';
import { addressChangeRefusalOf, signInRefusalOf } from './scim/sign-in-hold';

export interface App {
	readonly server: Server;
	readonly db: Db;
	/** The API routes registered, from the contract (tests check it covers the whole contract). */
	readonly routes: readonly RouteContract[];
	/** The database with the identity core's settings and clock, for the functions that need them. */
	readonly authDb: AuthDb;
	readonly config: Config;
	/** Queues mail (synchronously) and delivers it, or keeps it in the local outbox. */
	readonly mailer: Mailer;
	/** Where people reach the console; links in mail are built from it. Known once listening. */
	readonly site: Site;
	/** The documents held in memory, and server-side changes to them. */
	readonly registry: DocumentRegistry;
	readonly sync: SyncServer;
	/** Sends the digests of board subscriptions as they fall due. */
	readonly digests: DigestScheduler;
	/** Closes access reviews at their due date (and at start, those that fell due meanwhile). */
	readonly reviews: ReviewScheduler;
	/** Ends memberships on their end dates, and reminds the member and the admins before. */
	readonly accessEnds: AccessEndScheduler;
	readonly log: Log;
	/** Null unless /metrics is served (METRICS_TOKEN, METRICS_PORT). */
	readonly metrics: MetricsRegistry | null;
	/** The listener on METRICS_PORT (127.0.0.1), if there is one. */
	readonly metricsServer: Server | null;
	/** Starts listening; resolves with the URL the console is reachable at. */
	listen(): Promise<string>;
	close(): Promise<void>;
}

export interface Site {
	url: string;
	origin: string;
}

/** What the app takes besides its configuration: hooks, limits, and a clock tests can move. */
export interface AppOptions {
	/** Milliseconds since the epoch. @default Date.now */
	now?: () => number;
	/** Told after an account's name or email changed (after its member entries were updated). */
	onAccountChanged?: (account: Account) => void;
	syncLimits?: Partial<SyncLimits>;
	documents?: RegistryOptions;
	/** Limits of the workflows: request and upload rates, the CSV size, the digest timer. */
	workflows?: Partial<WorkflowLimits>;
	/** Where the server logs. @default the logger `config.log` describes, on standard output */
	log?: Log;
	/** Limits of the SCIM service: body size, requests per zone and refused ones per address. */
	scim?: Partial<ScimLimits>;
}

export function createApp(config: Config, options: AppOptions = {}): App {
	const now = options.now ?? Date.now;
	const log = options.log ?? createLogger(config.log);
	// Kept only when somebody can read them: otherwise nothing is measured.
	const metrics =
		config.metrics.token !== null || config.metrics.port !== null ? createMetrics() : null;
	const measure = metrics ?? UNMEASURED;
	const db = openConsoleDatabase(config.databasePath);
	const authDb: AuthDb = { db, settings: { ...config.auth, now } };
	const site: Site = {
		url: config.publicUrl ?? '',
		origin: config.publicUrl ? new URL(config.publicUrl).origin : ''
	};
	const mailer = new Mailer(db, {
		from: config.mailFrom,
		smtpUrl: config.smtpUrl,
		now,
		log: log.child({ component: 'mail' }),
		metrics: measure
	});
	mailer.start();
	const stopHousekeeping = startHousekeeping(authDb);
	const allowedOrigins = () => [site.origin];

	const registry = new DocumentRegistry(
		measuredDocumentStore(sqliteDocumentStore(db), measure),
		projectDirectory(db),
		{ ...options.documents, now, log: log.child({ component: 'sync' }), metrics: measure }
	);

	const router = new Router(originPolicy(allowedOrigins));
	router.add(API.health, () => ({ body: { ok: true } }));
	const onAccountChanged = (account: Account) => {
		updateMemberEntriesOf(db, registry, account);
		options.onAccountChanged?.(account);
	};
	const auth = registerAuthRoutes(router, {
		...authDb,
		mailer,
		site,
		onAccountChanged,
		onSessionsEnded: () => sync.recheckSessions(),
		providerRequiredFor: (email) => providerRequiredFor(db, email),
		signInRefusal: signInRefusalOf(db),
		addressChangeRefusal: addressChangeRefusalOf(db),
		log,
		metrics: measure
	});
	registerInvitationRoutes(router, auth, registry);
	const secrets = new SecretBox(config.identitySecretKey);
	registerIdentityRoutes(router, auth, {
		registry,
		box: secrets,
		clients: new ProviderClients(secrets)
	});
	const countedSendings = new CountedSendings();
	registerInvitationAdminRoutes(router, auth, { registry, site, counted: countedSendings });
	const workflows = startWorkflows({
		db,
		registry,
		mailer,
		site,
		now,
		router,
		auth,
		limits: options.workflows,
		log: log.child({ component: 'digests' })
	});
	// What follows an accepted or refused change, in order; each isolated from the others.
	registry.use(
		revokeLostAccess(registry),
		workflowIndexes(db, now),
		{
			name: 'projects into user documents',
			onAccepted: projectMembershipIntoUserDocuments(registry)
		},
		{
			name: 'invitation mail',
			onAccepted: sendInvitationsOnChange({
				...authDb,
				mailer,
				site,
				registry,
				limiters: auth.limiters,
				counted: countedSendings
			})
		},
		mailHandoverRequests({ db, mailer, site }),
		tellMembersWhatHappened({ db, registry, mailer, site, now }),
		dropExpiredNotices(now),
		...workflows.reactions
	);
	workflows.indexExistingDocuments();
	registerEmbedRoutes(router, {
		auth,
		registry,
		settings: config.embed,
		onSessionsEnded: () => sync.recheckSessions()
	});
	registerScimTokenRoutes(router, auth, { site });
	const serveScim = scimService({
		auth: { ...authDb, onSessionsEnded: () => sync.recheckSessions() },
		registry,
		site,
		onAccountChanged,
		limits: { ...DEFAULT_SCIM_LIMITS, ...options.scim },
		limiter: auth.limiter,
		log: log.child({ component: 'scim' })
	});
	if (config.developerRoutes) registerDevOutboxRoute(router, db, site);
	const serveStatic = staticFiles(config.staticDir, {
		frameAncestorsFor: embedFrameAncestors(db),
		origin: () => site.origin,
		keepsOpener,
		developerPages: config.developerRoutes
	});
	const serveWidget = widgetScript();
	const serveMetrics = metrics ? metricsRoute(metrics, config.metrics.token, log) : null;

	/** Every request has an id (its answer's X-Request-Id) and its own log, which names it. */
	const server = createServer((req, res) => {
		const requestId = requestIdOf(req);
		res.setHeader(REQUEST_ID_HEADER, requestId);
		whileHandling(requestId, () => respond(req, res, log.child({ requestId })));
	});

	function respond(req: IncomingMessage, res: ServerResponse, requestLog: Log): void {
		setBaselineHeaders(res, site.url);
		const url = parseRequestTarget(req.url);
		logAnswer(req, res, url, requestLog);
		if (!url) return sendJson(res, statusOf('bad-request-target'), BAD_REQUEST_TARGET);
		if (url.pathname.startsWith('/api/')) {
			router
				.handle(req, res, url, requestLog)
				.then((handled) => {
					if (!handled)
						sendJson(res, 404, {
							error: { code: 'not-found', message: 'There is no such API endpoint.' }
						});
				})
				.catch((error: unknown) => {
					requestLog.error({ err: error }, 'answering an API request failed');
					sendJson(res, 500, {
						error: { code: 'internal', message: 'Something went wrong on the server.' }
					});
				});
			return;
		}
		if (isScimPath(url.pathname)) return serveScim(req, res, url, requestLog);
		if (url.pathname === WIDGET_SCRIPT_PATH) return serveWidget(req, res);
		// On the console's port only with the token; without one, /metrics is the SPA's like any path.
		if (url.pathname === METRICS_PATH && serveMetrics && config.metrics.token !== null)
			return serveMetrics(req, res);
		serveStatic(req, res, url, requestLog);
	}

	/**
	 * The session of a sync upgrade: the embedded widget's token comes as a URL parameter (browsers
	 * cannot set headers on a WebSocket), the console's in its cookie. A URL may be logged on its
	 * way, so only embedded sessions (minutes long, one project) are accepted there; the URL is
	 * never logged here.
	 */
	const authenticateBySession = (req: IncomingMessage): Principal | null => {
		const fromUrl = parseRequestTarget(req.url)?.searchParams.get(SYNC_TOKEN_PARAM) ?? null;
		const token = fromUrl ?? readSessionToken(req, sessionCookieName(site));
		if (!token) return null;
		const { session, account } = validateSessionToken(authDb, token);
		if (!session || (fromUrl !== null && !session.embedded)) return null;
		return {
			accountId: account.id,
			name: account.name,
			email: account.email,
			sessionId: session.id,
			...(session.embedded ? { embedded: session.embedded } : {})
		};
	};
	const sync = attachSyncServer(
		server,
		{
			registry,
			authenticate: authenticateBySession,
			isAllowedOrigin: (origin) => allowedOrigins().includes(origin),
			isSessionCurrent: (sessionId) => isSessionCurrent(authDb, sessionId),
			mayReadStoredState: storedStateAccess(db),
			log: log.child({ component: 'sync' }),
			metrics: measure
		},
		options.syncLimits
	);
	metrics?.readGaugesFrom({
		connections: () => sync.connections.size,
		openDocuments: () => registry.size,
		queuedMail: () => countQueuedMessages(db)
	});
	const metricsListener =
		serveMetrics && config.metrics.port !== null ? metricsServer(serveMetrics) : null;
	const recheckTimer = setInterval(() => {
		sync.recheckSessions();
	}, config.auth.sessions.recheckConnectionsEveryMs);
	recheckTimer.unref();
	const ticketSweep = setInterval(() => deleteStaleTickets(authDb, 3_600_000), 3_600_000);
	ticketSweep.unref();

	return {
		server,
		db,
		routes: router.contracts,
		authDb,
		config,
		mailer,
		site,
		registry,
		sync,
		digests: workflows.digests,
		reviews: workflows.reviews,
		accessEnds: workflows.accessEnds,
		log,
		metrics,
		metricsServer: metricsListener,
		listen: async () => {
			await new Promise<void>((resolve, reject) => {
				server.once('error', reject);
				server.listen(config.port, config.host, () => {
					const { port } = server.address() as AddressInfo;
					const bound = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
					if (!site.url) Object.assign(site, { url: bound, origin: new URL(bound).origin });
					// Synchronously, before any connection is served: what ended while the server was
					// down is gone before anyone could act on it.
					workflows.accessEnds.start();
					workflows.digests.start();
					workflows.reviews.start();
					resolve();
				});
			});
			if (metricsListener) {
				await new Promise<void>((resolve, reject) => {
					metricsListener.once('error', reject);
					// The machine itself only: see server/observability/metrics-route.ts.
					metricsListener.listen(config.metrics.port!, '127.0.0.1', resolve);
				});
			}
			return site.url;
		},
		close: async () => {
			workflows.digests.stop();
			workflows.reviews.stop();
			workflows.accessEnds.stop();
			clearInterval(recheckTimer);
			clearInterval(ticketSweep);
			sync.close();
			registry.close();
			await Promise.all(
				[server, metricsListener].map(
					(listener) =>
						new Promise<void>((resolve) => {
							if (!listener?.listening) return resolve();
							listener.closeAllConnections();
							listener.close(() => resolve());
						})
				)
			);
			stopHousekeeping();
			await mailer.stop();
			db.close();
		}
	};
}
