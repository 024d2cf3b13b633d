/**
 * The SQL index of access requests: one row per entry of every project document's `requests`
 * map, kept in step like the membership index (a listener, and a check when a project document
 * loads). It answers "does this person have a pending request here" and "was this person's
 * subscription request approved" without opening documents.
 */
import type { AccessRequest, EntryChange } from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { OnAccepted, OnLoad } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';

interface RequestRow {
	request_id: string;
	requester_id: string;
	kind: string;
	status: string;
	created_at: number;
}

export function indexRequestsOnChange(db: Db): OnAccepted {
	const upsert = db.prepare(
		`INSERT INTO access_requests (project_id, request_id, requester_id, kind, status, created_at)
		 VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (project_id, request_id) DO UPDATE SET status = excluded.status`
	);
	const remove = db.prepare('DELETE FROM access_requests WHERE project_id = ? AND request_id = ?');
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		for (const change of changes) {
			if (change.root !== 'requests') continue;
			const request = change.after as AccessRequest | undefined;
			if (!request) remove.run(projectId, change.key);
			else upsert.run(projectId, ...Object.values(rowOf(request)));
		}
	};
}

export function reindexRequestsOnLoad(db: Db): OnLoad {
	const select = db.prepare(
		`SELECT request_id, requester_id, kind, status, created_at FROM access_requests
		 WHERE project_id = ? ORDER BY request_id`
	);
	const clear = db.prepare('DELETE FROM access_requests WHERE project_id = ?');
	const insert = db.prepare(
		`INSERT INTO access_requests (project_id, request_id, requester_id, kind, status, created_at)
		 VALUES (?, ?, ?, ?, ?, ?)`
	);
	return (document: LiveDocument) => {
		if (document.address.kind !== 'project') return;
		const projectId = document.address.projectId;
		const rows = ([...document.root('requests').values()] as AccessRequest[])
			.map(rowOf)
			.sort((a, b) => (a.request_id < b.request_id ? -1 : a.request_id > b.request_id ? 1 : 0));
		if (JSON.stringify(select.all(projectId)) === JSON.stringify(rows)) return;
		db.transaction(() => {
			clear.run(projectId);
			for (const row of rows) insert.run(projectId, ...Object.values(row));
		})();
	};
}

/** The person's pending request of this kind to the project, if any. */
export function findPendingRequest(
	db: Db,
	projectId: string,
	requesterId: string,
	kind: AccessRequest['kind']
): string | null {
	const id = db
		.prepare(
			`SELECT request_id FROM access_requests
			 WHERE project_id = ? AND requester_id = ? AND kind = ? AND status = 'pending'`
		)
		.pluck()
		.get(projectId, requesterId, kind) as string | undefined;
	return id ?? null;
}

function rowOf(request: AccessRequest): RequestRow {
	return {
		request_id: request.id,
		requester_id: request.requesterId,
		kind: request.kind,
		status: request.status,
		created_at: request.createdAt
	};
}
