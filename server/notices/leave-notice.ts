/**
 * The one way the server tells an account something in its user document (a request decided, a
 * membership changed by someone else). Notices older than NOTICE_LIFETIME_MS go in the same
 * change: the console would not show them, and the document would otherwise keep every notice.
 */
import { NOTICE_LIFETIME_MS, newId, userDocument, type Notice } from '../../src/lib/shared';
import type { DocumentRegistry } from '../sync/registry';

export function leaveNotice(
	registry: DocumentRegistry,
	accountId: string,
	content: Pick<Notice, 'kind' | 'projectId' | 'text'>,
	now: number
): void {
	const notice: Notice = { id: newId(), at: now, ...content, text: content.text.slice(0, 500) };
	registry.change(userDocument(accountId), (roots) => {
		for (const [id, old] of roots.notices.entries())
			if ((old as Notice).at < now - NOTICE_LIFETIME_MS) roots.notices.delete(id);
		roots.notices.set(notice.id, notice);
	});
}
