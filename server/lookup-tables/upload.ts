/**
 * Uploading a lookup table as a CSV file (docs/api.md). The uploader must be allowed by the matrix
 * (Upload a Lookup Table) and read the data view. The file is checked whole before anything is
 * written (readLookupTableCsv: UTF-8, RFC 4180, the table's limits); on any problem the answer
 * lists them all and nothing is written. A good file becomes one LookupTable entry of the view's
 * document, written by the server with the uploader as its creator, and reaches every client that
 * has the view open like any other change.
 */
import {
	LookupTableSchema,
	newId,
	readLookupTableCsv,
	viewDocument,
	type LookupTable,
	type LookupTableCreated
} from '../../src/lib/shared';
import { enforceLimit, requireSignedIn, type AuthContext } from '../auth/routes/context';
import { readCsvBody } from '../http/csv-upload';
import { orThrow } from '../http/failure-status';
import type { Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import type { RateLimitRule } from '../auth/settings';
import { checkViewAction, withProject } from '../consortium/project-access';
import { API } from '../../src/lib/shared/api-contract';

export function registerLookupTableUpload(
	router: Router,
	auth: AuthContext,
	deps: {
		registry: DocumentRegistry;
		limits: { uploadsPerAccount: RateLimitRule; maxCsvBytes: number };
		now: () => number;
	}
): void {
	const uploadsPerAccount = auth.limiter('uploadsPerAccount', deps.limits.uploadsPerAccount);

	router.add(API.uploadLookupTable, async (request) => {
		const { account } = requireSignedIn(auth, request);
		const place: Place = { id: request.params.id, viewId: request.params.viewId };
		const { name } = request.query();
		requireUploader(deps.registry, place, account.id);
		enforceLimit(uploadsPerAccount, account.id);
		const body = await readCsvBody(
			request,
			deps.limits.maxCsvBytes,
			(size) =>
				`The file is larger than ${size}, the most a lookup table may be; nothing was imported.`
		);
		const csv = orThrow(readLookupTableCsv(body));
		// Reading the body took time: the uploader's role or data views may have changed meanwhile.
		requireUploader(deps.registry, place, account.id);
		const now = deps.now();
		const table: LookupTable = LookupTableSchema.parse({
			id: newId(),
			createdBy: account.id,
			createdAt: now,
			updatedBy: account.id,
			updatedAt: now,
			name,
			columns: csv.columns,
			rows: csv.rows
		});
		deps.registry.change(viewDocument(place.id, place.viewId), (roots) =>
			roots.lookupTables.set(table.id, table)
		);
		const created: LookupTableCreated = {
			id: table.id,
			rows: table.rows.length,
			columns: table.columns.length
		};
		return { status: 201, body: created };
	});
}

/** The route's parameters: the project and its data view. */
interface Place {
	id: string;
	viewId: string;
}

/** The uploader reads the data view, and the matrix lets their role upload a lookup table. */
function requireUploader(registry: DocumentRegistry, place: Place, accountId: string): void {
	orThrow(
		withProject(registry, place.id, ({ facts }) =>
			checkViewAction(facts, accountId, place.viewId, 'lookupTable.upload')
		)
	);
}
