/**
 * Download CSV in Lexicon (docs/api.md): a data view's Lexicon as a CSV file, for anyone the
 * matrix allows (every role) who reads the view. One row per entry: its name, kind, description,
 * whether it is hidden, its tags, and the name of the lookup table it is mapped to.
 */
import { viewDocument } from '../../src/lib/shared';
import { requireSignedIn, type AuthContext } from '../auth/routes/context';
import { orThrow } from '../http/failure-status';
import type { Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import { csvDownload, fileNamePart } from '../http/csv-download';
import { checkViewAction, withProject } from '../consortium/project-access';
import { API } from '../../src/lib/shared/api-contract';

const LEXICON_CSV_HEADER = ['Name', 'Kind', 'Description', 'Hidden', 'Tags', 'Lookup table'];

export function registerLexiconExport(
	router: Router,
	auth: AuthContext,
	deps: { registry: DocumentRegistry }
): void {
	router.add(API.downloadLexiconCsv, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id: projectId, viewId } = request.params;
		const { view } = orThrow(
			withProject(deps.registry, projectId, ({ facts }) =>
				checkViewAction(facts, account.id, viewId, 'lexicon.downloadCsv')
			)
		);
		const rows = deps.registry.read(viewDocument(projectId, viewId), (document) => {
			const tables = document.root('lookupTables');
			const entries = [...document.root('lexicon').values()];
			return entries
				.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
				.map((entry) => [
					entry.name,
					entry.kind,
					entry.description,
					entry.hidden ? 'yes' : 'no',
					entry.tags.join('; '),
					entry.lookupTableId ? (tables.get(entry.lookupTableId)?.name ?? '') : ''
				]);
		})!;
		return csvDownload(`lexicon-${fileNamePart(view.name)}.csv`, [LEXICON_CSV_HEADER, ...rows]);
	});
}
