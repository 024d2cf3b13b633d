/**
 * The development outbox (src/lib/dev/OutboxPage.svelte), in development builds only. The
 * production build (`npm run build`) defines `__DEVELOPER_PAGES__` as false, so the import below
 * is never reached and the page is not built at all; the route is left answering 404.
 */
import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async () => {
	if (__DEVELOPER_PAGES__) return { Page: (await import('$lib/dev/OutboxPage.svelte')).default };
	error(404, 'Not found');
};
