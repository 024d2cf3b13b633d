import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		// A browser-only SPA: every unknown path falls back to index.html and the router takes over.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
		// Registered by the root layout, except on the embed route (src/routes/+layout.svelte).
		serviceWorker: { register: false }
	}
};
