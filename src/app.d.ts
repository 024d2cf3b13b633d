// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {}
	/**
	 * Whether this build has the developer pages (/dev/...): false in the production build
	 * (`npm run build`), true otherwise (vite.config.ts).
	 */
	const __DEVELOPER_PAGES__: boolean;
}

export {};
