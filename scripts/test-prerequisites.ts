/**
 * What `npm test` needs besides node_modules, checked first, before anything else runs: a fresh
 * machine lacks it, and without it the suite would fail test by test. Run as root on Debian (CI,
 * a fresh container), what is missing is installed from Debian's packages; otherwise this stops
 * at once and names the one command that provides it.
 *
 * Each prerequisite says how to tell it is there and which Debian packages provide it: a new kind
 * of test that needs a service (PostgreSQL, Redis) adds its entry to PREREQUISITES.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { CHROMIUM } from '../tests/support/browser';
import { POSTGRES_URL } from '../tests/support/postgres';
import { REDIS_SERVER } from '../tests/support/redis';

interface Prerequisite {
	name: string;
	/** Which tests need it. */
	neededBy: string;
	isPresent(): boolean;
	debianPackages: string[];
	/** How to provide it where Debian's packages are not the way. */
	elsewhere: string;
	/** Starts it, as root on Debian, where its packages are installed but it does not answer. */
	start?(): void;
}

const PREREQUISITES: Prerequisite[] = [
	{
		name: `Chromium (${CHROMIUM})`,
		neededBy: 'the browser tests (tests/e2e/)',
		isPresent: () => runs(CHROMIUM, ['--version']),
		debianPackages: ['chromium', 'fonts-dejavu-core'],
		elsewhere: 'install Chromium, and set CHROMIUM_PATH to it if it is not at /usr/bin/chromium'
	},
	{
		name: `PostgreSQL at ${redacted(POSTGRES_URL)}`,
		neededBy: 'the scale-out tests (tests/server/scale-*.test.ts)',
		isPresent: () => postgresAnswers(POSTGRES_URL),
		debianPackages: ['postgresql'],
		elsewhere: 'run PostgreSQL and set DATABASE_URL to a database the tests may create schemas in',
		start: startDebianPostgres
	},
	{
		name: `Redis (${REDIS_SERVER}, which the tests start themselves)`,
		neededBy: 'the scale-out tests (tests/server/scale-*.test.ts)',
		isPresent: () => runs(REDIS_SERVER, ['--version']),
		debianPackages: ['redis-server'],
		elsewhere: 'install Redis, and set REDIS_SERVER_PATH to its redis-server'
	}
];

function redacted(url: string): string {
	return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Connects and signs in with the tests' own driver: the port, the role and the database. */
function postgresAnswers(url: string): boolean {
	const probe = spawnSync(
		process.execPath,
		[
			'--input-type=module',
			'-e',
			`import pg from 'pg';
			 const client = new pg.Client({ connectionString: process.env.URL, connectionTimeoutMillis: 5000 });
			 await client.connect();
			 await client.end();`
		],
		{ stdio: 'ignore', env: { ...process.env, URL: url } }
	);
	return probe.status === 0;
}

/**
 * Starts Debian's PostgreSQL cluster and gives the tests what their default DATABASE_URL names:
 * the role postgres signing in with the password postgres over TCP (Debian's pg_hba asks
 * local TCP connections for a password), and a database test.
 */
function startDebianPostgres(): void {
	if (!existsSync('/etc/postgresql')) return;
	console.log("Starting Debian's PostgreSQL cluster for the tests");
	for (const version of readdirSync('/etc/postgresql'))
		spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
			stdio: 'inherit'
		});
	const asPostgres = (args: string[]) =>
		spawnSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
	asPostgres(['psql', '-c', "ALTER ROLE postgres PASSWORD 'postgres'"]);
	asPostgres(['createdb', 'test']);
}

function runs(command: string, args: string[]): boolean {
	return existsSync(command) && spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

const canInstall = process.getuid?.() === 0 && existsSync('/etc/debian_version');

function aptGet(args: string[]): boolean {
	const result = spawnSync('apt-get', args, {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	return result.status === 0;
}

let missing = PREREQUISITES.filter((prerequisite) => !prerequisite.isPresent());
if (missing.length > 0 && canInstall) {
	// Installed but stopped (a machine that rebooted): start it before installing anything.
	for (const prerequisite of missing) prerequisite.start?.();
	missing = missing.filter((prerequisite) => !prerequisite.isPresent());
}
if (missing.length > 0 && canInstall) {
	const packages = missing.flatMap((prerequisite) => prerequisite.debianPackages);
	console.log(`Installing from Debian's packages: ${packages.join(' ')}`);
	if (aptGet(['update', '-qq'])) aptGet(['install', '-y', '-qq', ...packages]);
	for (const prerequisite of missing) prerequisite.start?.();
	missing = missing.filter((prerequisite) => !prerequisite.isPresent());
}
if (missing.length > 0) {
	for (const prerequisite of missing)
		console.error(`Missing: ${prerequisite.name}, which ${prerequisite.neededBy} need.`);
	const packages = missing.flatMap((prerequisite) => prerequisite.debianPackages);
	console.error(
		canInstall
			? `Debian's packages did not provide it (see above).`
			: `Install it, then run npm test again:\n  sudo apt-get install -y ${packages.join(' ')}`
	);
	for (const prerequisite of missing) console.error(`(Not on Debian: ${prerequisite.elsewhere}.)`);
	process.exit(1);
}
console.log(
	`The scale-out suites run against PostgreSQL at ${redacted(POSTGRES_URL)} and Redis servers of their own (${REDIS_SERVER}).`
);
