/**
 * `npm start`: runs the console on one port with the embedded defaults. On the first start with
 * an empty database it creates the demo consortia and logs the demo admin's sign-in link (in the
 * readable development log only: server/observability/log.ts). An error nothing caught is logged
 * and the server keeps serving (server/http/uncaught-errors.ts).
 */
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { demoIsNeeded, seedDemo } from './bootstrap/demo';
import { lockDataDirectory } from './bootstrap/lock';
import { mailGoesNowhere, readConfig } from './config';
import { hasDeveloperPages } from './http/static';
import { keepServingAfterUncaughtErrors } from './http/uncaught-errors';
import { createLogger, SECRET_LINKS } from './observability/log';

const config = readConfig();
const log = createLogger(config.log);
if (mailGoesNowhere(config)) {
	log.fatal(
		'NODE_ENV=production and no SMTP_URL: invitations and sign-in links would reach nobody. Set SMTP_URL (docs/operations.md), or LOCAL_OUTBOX=true to keep mail in the local outbox on purpose.'
	);
	process.exit(1);
}
const lock = lockDataDirectory(config.dataDir);
if (!lock.ok) {
	log.fatal(
		{ ownerPid: lock.ownerPid, dataDir: config.dataDir },
		`Another console server (pid ${lock.ownerPid}) is using ${config.dataDir}. Stop it first.`
	);
	process.exit(1);
}
const app = createApp(config, { log });
const url = await app.listen();
// Once serving: a failure to start (a port in use) should still end the process.
keepServingAfterUncaughtErrors(log);
log.info({ url }, `Consortium console running at ${url}`);
log.info(
	{ dataDir: config.dataDir },
	`Data in ${config.dataDir}${config.smtpUrl ? '' : '; mail is kept in the local outbox'}`
);
if (config.production && !config.smtpUrl)
	log.warn(
		'LOCAL_OUTBOX=true and no SMTP_URL: mail is kept in the local outbox and nobody receives it.'
	);
if (config.developerRoutes && hasDeveloperPages(config.staticDir))
	log.info(`Outbox (development): ${url}/dev/outbox`);
if (app.metricsServer) {
	const { port } = app.metricsServer.address() as AddressInfo;
	log.info(`Metrics at http://127.0.0.1:${port}/metrics`);
}
if (demoIsNeeded(app.db) && config.production) {
	// An operator's console starts empty: its consortium is set up with the admin command.
	log.info(
		'No consortium yet: create one with `node dist/server/cli/admin.js create-consortium ...` (docs/operations.md).'
	);
} else if (demoIsNeeded(app.db)) {
	const demo = seedDemo(app.authDb, app.registry, app.site);
	log.info(
		{ email: demo.email, [SECRET_LINKS]: [demo.link] },
		`A demo was created: two consortia, one in each management mode. Sign in as the demo admin (${demo.email}) with this link, valid for 24 hours (shown in the development log only):`
	);
} else {
	log.info(`Sign in at ${url}/sign-in`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		log.info(`${signal}: closing`);
		void app.close().then(() => {
			lock.release();
			process.exit(0);
		});
	});
}
