/**
 * `npm start`: builds the SPA when `build/` is missing or older than the sources, then runs the
 * server. A fresh clone needs nothing but `npm install && npm start`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUILT = 'build/index.html';
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
	if (!existsSync(BUILT)) return false;
	const built = statSync(BUILT).mtimeMs;
	return SOURCES.every((source) => newestChange(source) <= built);
}

if (!buildIsCurrent()) {
	console.log('Building the console (build/ is missing or older than the sources)...');
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

await import('../server/main');
