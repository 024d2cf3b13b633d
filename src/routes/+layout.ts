import { redirect } from '@sveltejs/kit';
import { signInPath } from '$lib/paths';
import { consoleState } from '$lib/state/console.svelte';
import type { LayoutLoad } from './$types';

// A browser-only SPA: no server rendering, no prerendering; the Node server serves index.html.
export const ssr = false;
export const prerender = false;

/**
 * Who may open which page, decided here once instead of in each page: the console's pages are for
 * signed-in people (a visitor is sent to sign in, and back to the page afterwards); the role
 * matrix is in the console's frame for anyone, showing the person's projects when signed in; the
 * sign-in pages, the embedded widget (which signs in through its portal) and the development
 * pages ask nobody.
 */
type Audience = 'signed-in' | 'anyone-in-the-frame' | 'anyone';

function audienceOf(routeId: string | null): Audience {
	if (routeId === null) return 'anyone';
	if (routeId === '/help/permissions') return 'anyone-in-the-frame';
	const signedIn =
		routeId === '/' ||
		routeId === '/directory' ||
		['/projects/', '/consortia/', '/settings/'].some((prefix) => routeId.startsWith(prefix));
	return signedIn ? 'signed-in' : 'anyone';
}

/**
 * The signed-in account (from the server, or offline as this device last knew it), or null. The
 * check is made once and shared, so moving between pages does not repeat it.
 */
export const load: LayoutLoad = async ({ route, url }) => {
	const audience = audienceOf(route.id);
	if (audience === 'anyone') return { account: null };
	const account = await consoleState.ensureAccount();
	if (!account && audience === 'signed-in') redirect(307, signInPath(url.pathname + url.search));
	return { account };
};
