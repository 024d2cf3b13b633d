/**
 * `npm start`: the newcomer's console. Builds the SPA when build/ is missing, older than the
 * sources, or a production build (which has no developer pages: the demo shows its mail at
 * /dev/outbox), then runs the server from its TypeScript sources with tsx. A fresh clone needs
 * nothing but `npm install && npm start`. The production path, `npm run build` and
 * `node dist/server/main.js`, is in docs/operations.md.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSpa, builtSpa, SPA_DIR } from './build/spa';

const BUILT = join(SPA_DIR, 'index.html');
const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

function newestChange(path: string): number {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(
		stat.mtimeMs,
		...readdirSync(path).map((entry) => newestChange(join(path, entry)))
	);
}

function buildIsCurrent(): boolean {
	if (!existsSync(BUILT) || !builtSpa()?.developerPages) return false;
	const built = statSync(BUILT).mtimeMs;
	return SOURCES.every((source) => newestChange(source) <= built);
}

if (!buildIsCurrent()) {
	console.log(
		'Building the console (build/ is missing, older than the sources, or for production)...'
	);
	if (!buildSpa({ developerPages: true })) process.exit(1);
}

await import('../server/main');
