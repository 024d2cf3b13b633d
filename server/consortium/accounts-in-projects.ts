/**
 * A member entry carries the person's name and email, so that the Users list works offline. When
 * an account's name or email changes, every project it belongs to learns it, through the account's
 * user document (which lists those projects).
 */
import { projectDocument, userDocument } from '../../src/lib/shared';
import type { Account } from '../auth/accounts';
import type { DocumentRegistry } from '../sync/registry';

export function updateMemberEntriesOf(registry: DocumentRegistry, account: Account): void {
	const projectIds =
		registry.read(userDocument(account.id), (document) => [...document.root('projects').keys()]) ??
		[];
	for (const projectId of projectIds) {
		registry.change(projectDocument(projectId), (roots) => {
			const member = roots.members.get(account.id);
			if (member && (member.name !== account.name || member.email !== account.email)) {
				roots.members.set(account.id, { ...member, name: account.name, email: account.email });
			}
		});
	}
}
