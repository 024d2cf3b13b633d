/**
 * Who may frame a page: nobody, except the embed route of a project
 * (`/embed/projects/<projectId>?portal=<portalId>`), which the origins of that portal may frame
 * when the portal is active and serves the project (one of its consortium, by registration). The
 * answer becomes the page's `Content-Security-Policy: frame-ancestors`.
 */
import { EMBED_PATH_PREFIX, IdSchema } from '../../src/lib/shared';
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
