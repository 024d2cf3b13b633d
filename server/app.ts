/**
 * The console's server: one HTTP server that answers the JSON API under /api, the sync endpoint
 * under /sync (WebSocket), and the built SPA everywhere else. `createApp` wires the parts; tests
 * start it on port 0 and close it when they are done.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Account } from './auth/accounts';
import { startHousekeeping } from './auth/housekeeping';
import { registerAuthRoutes } from './auth/routes';
import { configureAuth } from './auth/settings';
import type { Config } from './config';
import { openDatabase, type Db } from './db/database';
import { Router, sendJson } from './http/router';
import { originPolicy } from './http/origin';
import { staticFiles } from './http/static';
import { registerDevOutboxRoute } from './mail/dev-outbox';
import { Mailer } from './mail/mailer';

export interface App {
	readonly server: Server;
	readonly db: Db;
	readonly config: Config;
	/** Queues mail (synchronously) and delivers it, or keeps it in the local outbox. */
	readonly mailer: Mailer;
	/** Where people reach the console; links in mail are built from it. Known once listening. */
	readonly site: Site;
	/** Starts listening; resolves with the URL the console is reachable at. */
	listen(): Promise<string>;
	close(): Promise<void>;
}

export interface Site {
	url: string;
	origin: string;
}

/** What the app takes besides its configuration: hooks, and a clock tests can move forward. */
export interface AppDependencies {
	/** Milliseconds since the epoch. @default Date.now */
	now?: () => number;
	/** Told after an account's name or email changed, e.g. to update membership entries. */
	onAccountChanged?: (account: Account) => void;
}

export function createApp(config: Config, deps: AppDependencies = {}): App {
	const now = deps.now ?? Date.now;
	const db = openDatabase(config.databasePath);
	configureAuth(db, { ...config.auth, now });
	const site: Site = {
		url: config.publicUrl ?? '',
		origin: config.publicUrl ? new URL(config.publicUrl).origin : ''
	};
	const mailer = new Mailer(db, { from: config.mailFrom, smtpUrl: config.smtpUrl, now });
	mailer.start();
	const stopHousekeeping = startHousekeeping(db);
	const allowedOrigins = () => [site.origin];
	const router = new Router(originPolicy(allowedOrigins));
	router.add('GET', '/api/health', () => ({ body: { ok: true } }));
	registerAuthRoutes(router, { db, mailer, site, onAccountChanged: deps.onAccountChanged });
	if (config.showOutbox) registerDevOutboxRoute(router, db);
	const serveStatic = staticFiles(config.staticDir);

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname.startsWith('/api/')) {
			router
				.handle(req, res, url)
				.then((handled) => {
					if (!handled)
						sendJson(res, 404, {
							error: { code: 'not-found', message: 'There is no such API endpoint.' }
						});
				})
				.catch((error: unknown) => {
					console.error(error);
					sendJson(res, 500, {
						error: { code: 'internal', message: 'Something went wrong on the server.' }
					});
				});
			return;
		}
		serveStatic(req, res, url);
	});

	return {
		server,
		db,
		config,
		mailer,
		site,
		listen: () =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(config.port, config.host, () => {
					const { port } = server.address() as AddressInfo;
					const bound = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
					if (!site.url) Object.assign(site, { url: bound, origin: new URL(bound).origin });
					resolve(site.url);
				});
			}),
		close: async () => {
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			});
			stopHousekeeping();
			await mailer.stop();
			db.close();
		}
	};
}
