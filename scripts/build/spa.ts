/**
 * Builds the SPA into build/ with Vite, with or without the developer pages (vite.config.ts), and
 * reads back what a build is (`_app/build.json`, scripts/build/build-description.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DESCRIPTION, type BuildDescription } from './build-description';

export const SPA_DIR = 'build';

/** Runs `vite build`; false when it failed (it has said why). */
export function buildSpa(options: { developerPages: boolean }): boolean {
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		stdio: 'inherit',
		env: { ...process.env, DEVELOPER_PAGES: String(options.developerPages) }
	});
	return result.status === 0;
}

/** What the build in build/ is, or null when there is none (or one from before descriptions). */
export function builtSpa(): BuildDescription | null {
	try {
		return JSON.parse(readFileSync(join(SPA_DIR, BUILD_DESCRIPTION), 'utf8')) as BuildDescription;
	} catch {
		return null;
	}
}
