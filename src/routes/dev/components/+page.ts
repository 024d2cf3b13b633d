/**
 * The component gallery (src/lib/dev/ComponentGallery.svelte), in development builds only. The
 * production build (`npm run build`) defines `__DEVELOPER_PAGES__` as false, so the import below
 * is never reached and the gallery is not built at all; the route is left answering 404.
 */
import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async () => {
	if (__DEVELOPER_PAGES__)
		return { Page: (await import('$lib/dev/ComponentGallery.svelte')).default };
	error(404, 'Not found');
};
