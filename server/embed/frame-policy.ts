/**
 * Who may frame a page: nobody, except the embed route of a project
 * (`/embed/projects/<projectId>?portal=<portalId>`), which the origins of that portal may frame
 * when the portal is active and serves the project (one of its consortium, by registration). The
 * answer becomes the page's `Content-Security-Policy: frame-ancestors`. And which page keeps its
 * opener: the consent window only.
 */
import { CONSENT_PATH, EMBED_PATH_PREFIX, IdSchema } from '../../src/lib/shared';
import type { Db } from '../db/database';
import { findActivePortal } from './portals';

export function embedFrameAncestors(db: Db): (url: URL) => readonly string[] | null {
	return (url) => {
		if (!url.pathname.startsWith(EMBED_PATH_PREFIX)) return null;
		const portalId = IdSchema.safeParse(url.searchParams.get('portal'));
		const projectId = IdSchema.safeParse(url.pathname.slice(EMBED_PATH_PREFIX.length));
		if (!portalId.success || !projectId.success) return null;
		const portal = findActivePortal(db, portalId.data);
		if (!portal || !portal.projectIds.includes(projectId.data)) return null;
		return portal.origins;
	};
}

/**
 * The consent window is opened by the widget's iframe (a console page inside a portal's page) and
 * tells it the person's answer through `window.opener`, which `Cross-Origin-Opener-Policy:
 * same-origin` would take away (the iframe's top-level page is the portal's). It tells only a
 * window of the console's own origin (postMessage's target origin), and it is never framed.
 */
export function keepsOpener(url: URL): boolean {
	return url.pathname === CONSENT_PATH;
}
