/**
 * Documents written before the workflow indexes existed (an older version's database) are read
 * once, at the first start that has the indexes: loading a document runs the load listeners, which
 * bring each index in step with it. A migration leaves a mark that says this is still to do (and
 * that no index is known to be in step with any document: index-stamps.ts).
 */
import { projectDocument, viewDocument, type DataView } from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import { forgetIndexStamps } from './index-stamps';

const MARK = 'index-existing-documents';

export function indexExistingDocuments(db: Db, registry: DocumentRegistry): void {
	const pending = db.prepare('SELECT 1 FROM workflow_marks WHERE name = ?').get(MARK);
	if (!pending) return;
	// A stamp says the indexes were in step with a document, before whatever asked for this.
	forgetIndexStamps(db);
	const projectIds = db.prepare('SELECT id FROM projects').pluck().all() as string[];
	for (const projectId of projectIds) {
		registry.read(projectDocument(projectId), (project) => {
			for (const view of project.root('views').values())
				registry.read(viewDocument(projectId, (view as DataView).id), () => undefined);
		});
	}
	db.prepare('DELETE FROM workflow_marks WHERE name = ?').run(MARK);
}
