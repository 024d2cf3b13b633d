/**
 * The console's server: one HTTP server that answers the JSON API under /api, the sync endpoint
 * under /sync (WebSocket), and the built SPA everywhere else. `createApp` wires the parts; tests
 * start it on port 0 and close it when they are done.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { openDatabase, type Db } from './db/database';
import { Router, sendJson } from './http/router';
import { originPolicy } from './http/origin';
import { staticFiles } from './http/static';
import { findProjectRecord } from './consortium/store';
import { projectMembershipIntoUserDocuments } from './consortium/user-projection';
import type { Principal } from './sync/connection';
import type { SyncLimits } from './sync/limits';
import { sqliteDocumentStore } from './sync/persistence';
import { DocumentRegistry, type RegistryOptions } from './sync/registry';
import { attachSyncServer, type SyncServer } from './sync/sync-server';

export interface App {
	readonly server: Server;
	readonly db: Db;
	readonly config: Config;
	/** Where people reach the console; links in mail are built from it. Known once listening. */
	readonly site: Site;
	readonly registry: DocumentRegistry;
	readonly sync: SyncServer;
	/** Starts listening; resolves with the URL the console is reachable at. */
	listen(): Promise<string>;
	close(): Promise<void>;
}

export interface Site {
	url: string;
	origin: string;
}

export interface AppOptions {
	/** Who the upgrade request of a sync connection is signed in as. */
	authenticate?: (req: IncomingMessage) => Principal | null;
	syncLimits?: Partial<SyncLimits>;
	documents?: RegistryOptions;
}

export function createApp(config: Config, options: AppOptions = {}): App {
	const db = openDatabase(config.databasePath);
	const site: Site = {
		url: config.publicUrl ?? '',
		origin: config.publicUrl ? new URL(config.publicUrl).origin : ''
	};
	const allowedOrigins = () => [site.origin];
	const router = new Router(originPolicy(allowedOrigins));
	router.add('GET', '/api/health', () => ({ body: { ok: true } }));
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

	const registry = new DocumentRegistry(
		sqliteDocumentStore(db),
		{ projectExists: (projectId) => findProjectRecord(db, projectId) !== null },
		options.documents
	);
	registry.listeners.push(projectMembershipIntoUserDocuments(registry));
	const sync = attachSyncServer(
		server,
		{
			registry,
			authenticate: options.authenticate ?? (() => null),
			isAllowedOrigin: (origin) => allowedOrigins().includes(origin)
		},
		options.syncLimits
	);

	return {
		server,
		db,
		config,
		site,
		registry,
		sync,
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
		close: () =>
			new Promise((resolve) => {
				sync.close();
				registry.close();
				server.closeAllConnections();
				server.close(() => {
					db.close();
					resolve();
				});
			})
	};
}
