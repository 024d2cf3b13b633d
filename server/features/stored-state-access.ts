/**
 * Who may be sent a document as stored before the server has loaded it (sync-server.ts answers a
 * client that asks for the whole document while the server still applies it): decided from the SQL
 * indexes, and only where they are in step with that very snapshot (index-stamps.ts), so that the
 * answer is the one `readAccess` (sync/access.ts) gives on the loaded document. A project document's
 * readers are its members, whose rows the membership index holds. Every other document, and a
 * snapshot the indexes are not known to be in step with, gets no: its clients are answered once it
 * is loaded, as always.
 */
import { parseDocumentName } from '../../src/lib/shared';
import type { Db } from '../db/database';
import { indexStamps } from './index-stamps';

export function storedStateAccess(
	db: Db
): (name: string, accountId: string, stamp: string) => boolean {
	const stamps = indexStamps(db);
	const isMember = db
		.prepare('SELECT 1 FROM memberships WHERE project_id = ? AND account_id = ?')
		.pluck();
	return (name, accountId, stamp) => {
		const address = parseDocumentName(name);
		return (
			address?.kind === 'project' &&
			stamps.inStepWith(name, stamp) &&
			isMember.get(address.projectId, accountId) !== undefined
		);
	};
}
