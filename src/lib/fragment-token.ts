/**
 * Emailed links carry their one-time token in the URL fragment (`/invite#token=…`): browsers never
 * send a fragment to a server, so the token stays out of access logs and Referer headers, and a
 * mail scanner that follows the link consumes nothing (the page spends the token only by a POST,
 * on a click). The page takes the token once, at start, and removes it from the address bar so
 * that it is not left in history, bookmarks or screenshots.
 */
export function takeFragmentToken(): string | null {
	const token = new URLSearchParams(location.hash.slice(1)).get('token');
	if (location.hash) {
		// history.state is passed on untouched so that SvelteKit keeps its own entries. SvelteKit's
		// replaceState() is not used: it is for shallow routing, and refuses to run before the router
		// has started, which is when this runs.
		history.replaceState(history.state, '', location.pathname + location.search);
	}
	return token && token.trim() !== '' ? token.trim() : null;
}
