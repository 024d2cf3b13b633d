/**
 * The schema of the console's database: the ordered list of named migrations, gathered here from
 * the rooms that own the tables, above `db/` so that the database layer imports no feature. Never
 * edit a migration that has shipped: add a new one at the end of its room's list. The order only
 * matters within a room (across rooms tables do not depend on each other's migrations), and
 * stays as it was when each shipped.
 */
import { ACCESS_MIGRATIONS } from './access/migrations';
import { ACCESS_END_MIGRATIONS } from './access-ends/migrations';
import { AUDIT_MIGRATIONS } from './audit/migrations';
import { AUTH_MIGRATIONS } from './auth/migrations';
import { CONSORTIUM_MIGRATIONS } from './consortium/migrations';
import { openDatabase, type Db, type Migration } from './db/database';
import { EMBED_MIGRATIONS } from './embed/migrations';
import { FEATURE_MIGRATIONS } from './features/migrations';
import { IDENTITY_MIGRATIONS } from './identity/migrations';
import { OFFBOARDING_MIGRATIONS } from './offboarding/migrations';
import { REQUEST_MIGRATIONS } from './requests/migrations';
import { REVIEW_MIGRATIONS } from './reviews/migrations';
import { SUBSCRIPTION_MIGRATIONS } from './subscriptions/migrations';
import { SYNC_MIGRATIONS } from './sync/migrations';

export const MIGRATIONS: readonly Migration[] = [
	...CONSORTIUM_MIGRATIONS,
	...AUTH_MIGRATIONS,
	...SYNC_MIGRATIONS,
	...REQUEST_MIGRATIONS,
	...AUDIT_MIGRATIONS,
	...SUBSCRIPTION_MIGRATIONS,
	...FEATURE_MIGRATIONS,
	...EMBED_MIGRATIONS,
	...REVIEW_MIGRATIONS,
	...OFFBOARDING_MIGRATIONS,
	...ACCESS_END_MIGRATIONS,
	...IDENTITY_MIGRATIONS,
	// After the features' migrations: it asks, with their mark, for every document to be read once.
	...ACCESS_MIGRATIONS
];

/** Opens (creating and migrating if needed) the console's database, or an in-memory one. */
export function openConsoleDatabase(path: string): Db {
	return openDatabase(path, MIGRATIONS);
}
