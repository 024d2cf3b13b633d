/**
 * A deleted lookup table leaves no Lexicon entry mapped to it: once the server has accepted the
 * deletion, every entry of that data view mapped to the table loses its mapping, as the Delete
 * dialog tells the person. The server does it (not the deleting client) because anyone who may
 * upload a table may delete their own, while mapping the Lexicon is for Admins and Analysts.
 */
import type { LexiconEntry } from '../../src/lib/shared';
import type { OnAccepted } from '../sync/extensions';

export function unmapDeletedLookupTables(now: () => number): OnAccepted {
	return (document, authorId, changes) => {
		if (document.address.kind !== 'view') return;
		const deleted = new Set(
			changes
				.filter((change) => change.root === 'lookupTables' && change.after === undefined)
				.map((change) => change.key)
		);
		if (deleted.size === 0) return;
		document.change(() => {
			const lexicon = document.root('lexicon');
			for (const [key, value] of lexicon.entries()) {
				const entry = value as LexiconEntry;
				if (entry.lookupTableId === null || !deleted.has(entry.lookupTableId)) continue;
				lexicon.set(key, {
					...entry,
					lookupTableId: null,
					updatedBy: authorId ?? entry.updatedBy,
					updatedAt: now()
				});
			}
		});
	};
}
