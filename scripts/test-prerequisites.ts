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
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../tests/support/browser';

interface Prerequisite {
	name: string;
	/** Which tests need it. */
	neededBy: string;
	isPresent(): boolean;
	debianPackages: string[];
	/** How to provide it where Debian's packages are not the way. */
	elsewhere: string;
}

const PREREQUISITES: Prerequisite[] = [
	{
		name: `Chromium (${CHROMIUM})`,
		neededBy: 'the browser tests (tests/e2e/)',
		isPresent: () => runs(CHROMIUM, ['--version']),
		debianPackages: ['chromium', 'fonts-dejavu-core'],
		elsewhere: 'install Chromium, and set CHROMIUM_PATH to it if it is not at /usr/bin/chromium'
	}
];

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
	const packages = missing.flatMap((prerequisite) => prerequisite.debianPackages);
	console.log(`Installing from Debian's packages: ${packages.join(' ')}`);
	if (aptGet(['update', '-qq'])) aptGet(['install', '-y', '-qq', ...packages]);
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
