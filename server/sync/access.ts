/**
 * Who may read which document (see docs/sync.md): a project's members read its project document;
 * members whose data-view scope includes a view read that view's document; an account reads its
 * own private documents (in views it may read) and its own user document.
 */
import {
	CLOSE,
	OK,
	fail,
	scopeIncludes,
	type Outcome,
	type CloseReason,
	type DocumentName,
	type ProjectFacts
} from '../../src/lib/shared';

/** Read access, or why not with the close reason the connection ends with. */
export type Access = Outcome<object, 'forbidden', { close: CloseReason }>;

const ALLOWED: Access = OK;
const FORBIDDEN: Access = fail('forbidden', 'You may not read this document.', {
	close: CLOSE.forbidden
});

export function readAccess(
	address: DocumentName,
	accountId: string,
	project: ProjectFacts | null
): Access {
	switch (address.kind) {
		case 'user':
			return address.accountId === accountId ? ALLOWED : FORBIDDEN;
		case 'project':
			return project?.member(accountId) ? ALLOWED : FORBIDDEN;
		case 'view':
		case 'private': {
			if (address.kind === 'private' && address.accountId !== accountId) return FORBIDDEN;
			const member = project?.member(accountId);
			return member && scopeIncludes(member.scope, address.viewId) ? ALLOWED : FORBIDDEN;
		}
	}
}
