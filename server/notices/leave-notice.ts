/**
 * The one way the server tells an account something in its user document (a request decided, a
 * membership changed by someone else). Notices older than NOTICE_LIFETIME_MS, which the console no
 * longer shows, go from a user document when it loads or is written a notice, and one still
 * waiting for its document to load is not written (`DocumentRegistry.writeUserDocument`), so that
 * the document does not keep every notice.
 */
import { NOTICE_LIFETIME_MS, newId, type Notice } from '../../src/lib/shared';
import type { DocumentExtension } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';

export function leaveNotice(
	registry: DocumentRegistry,
	accountId: string,
	content: Pick<Notice, 'kind' | 'projectId' | 'text'>,
	now: number
): void {
	const notice: Notice = { id: newId(), at: now, ...content, text: content.text.slice(0, 500) };
	registry.writeUserDocument(accountId, [
		{ root: 'notices', key: notice.id, value: notice, expiresAt: now + NOTICE_LIFETIME_MS }
	]);
}

/**
 * Deletes the notices older than NOTICE_LIFETIME_MS of a user document when it loads, and when a
 * notice is written into it while it is in memory (a console kept open keeps it loaded).
 */
export function dropExpiredNotices(now: () => number): DocumentExtension {
	const drop = (document: LiveDocument) => {
		if (document.address.kind !== 'user') return;
		const notices = document.root('notices');
		const oldest = now() - NOTICE_LIFETIME_MS;
		const expired = [...notices.entries()]
			.filter(([, notice]) => (notice as Notice).at < oldest)
			.map(([id]) => id);
		if (expired.length > 0) document.change(() => expired.forEach((id) => notices.delete(id)));
	};
	return {
		name: 'expired notices',
		onLoad: drop,
		onAccepted(document, _author, changes) {
			if (document.address.kind !== 'user') return;
			if (changes.some((change) => change.root === 'notices' && change.after !== undefined))
				drop(document);
		}
	};
}
