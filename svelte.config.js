import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		// A browser-only SPA: every unknown path falls back to index.html and the router takes over.
		// `precompress`: a brotli and a gzip copy beside each file, which the server sends to the
		// browsers that accept them (server/http/static.ts).
		adapter: adapter({
			pages: 'build',
			assets: 'build',
			fallback: 'index.html',
			precompress: true,
			strict: true
		}),
		// Registered by the root layout, except on the embed route (src/routes/+layout.svelte).
		serviceWorker: { register: false }
	}
};
