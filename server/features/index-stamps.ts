/**
 * Which snapshot of each document the SQL indexes were last known to be in step with
 * (`index_stamps`, keyed by the document's name, holding its `snapshotStamp`). Checking the indexes
 * against a document when it loads reads every entry and every row, which grows with the document;
 * a document that loads as the very snapshot the indexes were in step with needs no such check.
 *
 * The indexes are in step with a snapshot once a load check has passed (or rebuilt them) on it,
 * and with the next one the server compacts, as long as every change in between was indexed: the
 * change and its index rows are one commit. A change whose indexing failed leaves the document
 * unstamped until its next load check. Documents an older version wrote have no stamp; the
 * backfill (backfill.ts) forgets every stamp before it reads every document again. A version that
 * changes what an index derives from a document must therefore have it run again: its migration
 * puts the backfill's mark back (`INSERT INTO workflow_marks (name) VALUES
 * ('index-existing-documents')`), else no document in step with its stamp is ever checked.
 */
import type { Db } from '../db/database';
import type { LiveDocument } from '../sync/live-document';

export interface IndexStamps {
	/** Whether the indexes are in step with the document as it loaded. */
	inStep(document: LiveDocument): boolean;
	/** Whether the indexes are in step with the snapshot `stamp` of the document named `name`. */
	inStepWith(name: string, stamp: string): boolean;
	/** Records that the indexes are in step with the document's current snapshot, if it has one. */
	record(document: LiveDocument): void;
}

export function indexStamps(db: Db): IndexStamps {
	const select = db.prepare('SELECT snapshot FROM index_stamps WHERE doc = ?').pluck();
	const upsert = db.prepare(
		`INSERT INTO index_stamps (doc, snapshot) VALUES (?, ?)
		 ON CONFLICT (doc) DO UPDATE SET snapshot = excluded.snapshot`
	);
	const inStepWith = (name: string, stamp: string) => select.get(name) === stamp;
	return {
		inStep(document) {
			const stamp = document.snapshotStamp;
			return stamp !== null && inStepWith(document.name, stamp);
		},
		inStepWith,
		record(document) {
			const stamp = document.snapshotStamp;
			if (stamp !== null) upsert.run(document.name, stamp);
		}
	};
}

/** Forgets every stamp: every document is checked again when it next loads. */
export function forgetIndexStamps(db: Db): void {
	db.prepare('DELETE FROM index_stamps').run();
}
