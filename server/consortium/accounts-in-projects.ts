/**
 * A member entry carries the person's name and email, so that the Users list works offline. When
 * an account's name or email changes, every project it belongs to learns it. Which projects those
 * are, the SQL membership index says (in step with the project documents: one commit), so that no
 * user document is loaded for it; a provider renaming thousands of people loads none.
 */
import { projectDocument } from '../../src/lib/shared';
import type { Account } from '../auth/accounts';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import { projectsOfAccount } from './membership-index';

export function updateMemberEntriesOf(db: Db, registry: DocumentRegistry, account: Account): void {
	for (const projectId of projectsOfAccount(db, account.id)) {
		registry.change(projectDocument(projectId), (roots) => {
			const member = roots.members.get(account.id);
			if (member && (member.name !== account.name || member.email !== account.email)) {
				roots.members.set(account.id, { ...member, name: account.name, email: account.email });
			}
		});
	}
}
