/**
 * `npm start`: runs the console on one port with the embedded defaults. On the first start with
 * an empty database it creates the demo consortia and prints the demo admin's sign-in link. An
 * error nothing caught is logged and the server keeps serving (server/http/uncaught-errors.ts).
 */
import { createApp } from './app';
import { demoIsNeeded, seedDemo } from './bootstrap/demo';
import { lockDataDirectory } from './bootstrap/lock';
import { readConfig } from './config';
import { hasDeveloperPages } from './http/static';
import { keepServingAfterUncaughtErrors } from './http/uncaught-errors';

const config = readConfig();
const lock = lockDataDirectory(config.dataDir);
if (!lock.ok) {
	console.error(
		`Another console server (pid ${lock.ownerPid}) is using ${config.dataDir}. Stop it first.`
	);
	process.exit(1);
}
const app = createApp(config);
const url = await app.listen();
// Once serving: a failure to start (a port in use) should still end the process.
keepServingAfterUncaughtErrors();
console.log(`Consortium console running at ${url}`);
console.log(
	`Data in ${config.dataDir}${config.smtpUrl ? '' : '; mail is kept in the local outbox'}`
);
if (config.developerRoutes && hasDeveloperPages(config.staticDir))
	console.log(`Outbox (development): ${url}/dev/outbox`);
if (demoIsNeeded(app.db) && config.production) {
	// An operator's console starts empty: its consortium is set up with the admin command.
	console.log(
		'No consortium yet: create one with `node dist/server/cli/admin.js create-consortium ...` (docs/operations.md).'
	);
} else if (demoIsNeeded(app.db)) {
	const demo = seedDemo(app.authDb, app.registry, app.site);
	console.log('\nA demo was created: two consortia, one in each management mode.');
	console.log(
		`Sign in as the demo admin (${demo.email}) with this link, valid for 24 hours:\n  ${demo.link}\n`
	);
} else {
	console.log(`Sign in at ${url}/sign-in`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		console.log(`\n${signal}: closing`);
		void app.close().then(() => {
			lock.release();
			process.exit(0);
		});
	});
}
