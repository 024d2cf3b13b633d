/**
 * The server compiled for production: server/main.ts and the admin command (server/cli/admin.ts),
 * bundled with the shared code they import from src/lib/shared/ by Vite's SSR build, into plain
 * JavaScript that Node runs without tsx. Packages stay outside the bundle (they are imported from
 * node_modules at run time), so every package the server imports must be a production dependency
 * (tests/server/production-build.test.ts checks it).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

/** Entry points and where they land under the output directory. */
export const SERVER_ENTRIES = { main: 'server/main.ts', 'cli/admin': 'server/cli/admin.ts' };

export async function buildServer(outDir: string): Promise<void> {
	await build({
		configFile: false,
		logLevel: 'warn',
		build: {
			ssr: true,
			outDir,
			emptyOutDir: true,
			target: 'node20',
			sourcemap: true,
			rollupOptions: {
				input: SERVER_ENTRIES,
				// Shared chunks beside main.js, so that the code serving the widget finds it there.
				output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' }
			}
		}
	});
	// The embed loader script is served as it is, read from beside the code that serves it
	// (server/embed/widget-script.ts).
	copyFileSync('server/embed/widget.js', join(outDir, 'widget.js'));
}
