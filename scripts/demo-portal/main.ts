/**
 * `npm run demo:portal`: the demo consortium's staff portal on http://localhost:4000 (DEMO_PORT),
 * embedding Project Users from the console that `npm start` runs (CONSOLE_URL, default its
 * PUBLIC_URL or http://localhost:3000), signed in as the demo admin. On first run it registers the
 * portal, for the demo project only, in the console's data directory (`DATA_DIR`, the console's:
 * SQL only, so the console may be running), mails the project's Project Admins about it as the
 * console would, and keeps the API key in `<data>/demo-portal.json`, as a portal's server keeps its
 * key in its own configuration. The first time the demo admin opens it, the widget asks her to
 * allow the portal, in a console window.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegisterPortalRequestSchema } from '../../src/lib/shared';
import type { AuthDb } from '../../server/auth/settings';
import { DEMO_ADMIN_EMAIL } from '../../server/bootstrap/demo';
import { readConfig } from '../../server/config';
import { findConsortium, findProjectRecord } from '../../server/consortium/store';
import { openConsoleDatabase } from '../../server/schema';
import { mailPortalChange } from '../../server/embed/portal-notices';
import { authenticateApiKey, registerPortal } from '../../server/embed/portals';
import { Mailer } from '../../server/mail/mailer';
import { createLogger } from '../../server/observability/log';
import { startDemoPortal, type PortalCredentials } from './server';

const PROJECT_ID = 'northern-lights';
const PORTAL_NAME = 'Northern Lights Staff Portal';

const config = readConfig();
const consoleUrl = process.env.CONSOLE_URL ?? config.publicUrl ?? 'http://localhost:3000';
const keyFile = join(config.dataDir, 'demo-portal.json');
const db = openConsoleDatabase(config.databasePath);
const auth: AuthDb = { db, settings: { ...config.auth, now: Date.now } };
const project = findProjectRecord(db, PROJECT_ID);
if (!project) {
	console.error(
		`There is no demo project in ${config.dataDir}: run \`npm start\` first (it creates the demo), then this.`
	);
	process.exit(1);
}

/** The key kept from an earlier run, if it still works here; else a new portal. */
function credentialsFor(origin: string): PortalCredentials {
	if (existsSync(keyFile)) {
		const kept = JSON.parse(readFileSync(keyFile, 'utf8')) as PortalCredentials;
		const portal = authenticateApiKey(db, kept.apiKey);
		if (portal?.origins.includes(origin) && portal.projectIds.includes(PROJECT_ID)) return kept;
	}
	const input = RegisterPortalRequestSchema.parse({
		name: PORTAL_NAME,
		origins: [origin],
		projectIds: [PROJECT_ID]
	});
	const { portal, apiKey } = registerPortal(auth, project!.consortiumId, input, null);
	// Into the console's outbox: the console sends it (or shows it at /dev/outbox).
	const mailer = new Mailer(db, {
		from: config.mailFrom,
		smtpUrl: config.smtpUrl,
		log: createLogger({ level: 'warn', format: 'readable' }, process.stderr)
	});
	mailPortalChange({ db, mailer, site: { url: consoleUrl } }, portal, {
		change: 'registered',
		actorId: null,
		actorName: `The ${findConsortium(db, project!.consortiumId)!.name} office`
	});
	const credentials = { portalId: portal.id, apiKey };
	writeFileSync(keyFile, JSON.stringify(credentials, null, '\t'), { mode: 0o600 });
	console.log(
		`Registered ${PORTAL_NAME} (id ${portal.id}) for ${origin}; its key is in ${keyFile}.`
	);
	return credentials;
}

const portal = await startDemoPortal({
	consoleUrl,
	projectId: PROJECT_ID,
	user: { name: 'Dana Admin', email: DEMO_ADMIN_EMAIL },
	portalName: PORTAL_NAME,
	host: process.env.DEMO_HOST ?? '127.0.0.1',
	port: Number(process.env.DEMO_PORT ?? 4000),
	publicOrigin: process.env.DEMO_ORIGIN ? () => process.env.DEMO_ORIGIN! : undefined,
	credentials: credentialsFor
});
db.close();
console.log(`Demo portal running at ${portal.origin}, embedding Project Users from ${consoleUrl}.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.once(signal, () => void portal.close().then(() => process.exit(0)));
