import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';
import { describeTheBuild } from './scripts/build/build-description.ts';

/** Where `npm run dev` finds the Node server (`npm run serve`) for /api and /sync. */
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:3000';

/**
 * The developer pages (/dev/...) are in every build but the production one, which
 * `npm run build` makes with DEVELOPER_PAGES=false (scripts/build.ts): the tests and `npm start`
 * use them, an operator's console has none.
 */
const developerPages = process.env.DEVELOPER_PAGES !== 'false';

export default defineConfig({
	plugins: [sveltekit(), describeTheBuild({ developerPages })],
	define: { __DEVELOPER_PAGES__: JSON.stringify(developerPages) },
	server: {
		proxy: {
			'/api': backend,
			'/embed/widget.js': backend,
			'/sync': { target: backend.replace(/^http/, 'ws'), ws: true }
		}
	},
	test: {
		// The JSON report is what .ci/run counts for its closing "N passed, N failed" line.
		reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['tests/unit/**/*.test.ts', 'tests/server/**/*.test.ts'],
					testTimeout: 30_000,
					hookTimeout: 30_000
				}
			},
			{
				extends: true,
				plugins: [svelteTesting()],
				test: {
					name: 'component',
					environment: 'jsdom',
					include: ['tests/component/**/*.test.ts'],
					// jsdom renders a 10,000-member list in a few seconds on a quiet machine; a busy
					// one (two cores shared with a browser) needs more, and a timeout is no assertion.
					testTimeout: 30_000,
					setupFiles: ['tests/component/setup.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['tests/e2e/**/*.test.ts'],
					// A page that waits for the server answers within seconds, not the default second.
					expect: { poll: { timeout: 10_000, interval: 50 } },
					// One Chromium at a time: the machine has two cores and the browser wants both.
					fileParallelism: false,
					testTimeout: 90_000,
					hookTimeout: 90_000
				}
			}
		]
	}
});
