/**
 * The requests' table: an SQL index over the requests map of each project document.
 */
import type { Migration } from '../db/database';

export const REQUEST_MIGRATIONS: Migration[] = [
	{
		id: 'workflow-002-access-requests',
		sql: `
		-- One row per entry of each project document's requests map.
		CREATE TABLE access_requests (
			project_id TEXT NOT NULL,
			request_id TEXT NOT NULL,
			requester_id TEXT NOT NULL,
			kind TEXT NOT NULL CHECK (kind IN ('join', 'subscription')),
			status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
			created_at INTEGER NOT NULL,
			PRIMARY KEY (project_id, request_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX access_requests_by_requester ON access_requests(requester_id, project_id);`
	}
];
