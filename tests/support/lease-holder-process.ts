/**
 * A server process that owns one document and writes to its log as fast as it can, with a few
 * writes under way at once, for the tests that pause it (SIGSTOP) while another process takes the
 * document over, then let it go on (SIGCONT). It prints one line per event: `took <token>`,
 * `acked <id>` for a write PostgreSQL committed, `refused` for one the fencing token stopped,
 * `lost` once it knows it no longer owns the document. Settings come from the environment:
 * DATABASE_URL, SCHEMA, DOC, LEASE_MS.
 */
import { openPostgres } from '../../server/db/postgres';
import { DocumentLeases } from '../../server/sync/leases';
import { DocumentOwnership } from '../../server/sync/ownership';
import { PostgresDocumentLog, StaleOwnerError } from '../../server/sync/postgres-log';

const setting = (name: string): string => {
	const value = process.env[name];
	if (value === undefined) throw new Error(`${name} is not set`);
	return value;
};
const [DATABASE_URL, SCHEMA, DOC, LEASE_MS] = ['DATABASE_URL', 'SCHEMA', 'DOC', 'LEASE_MS'].map(
	setting
) as [string, string, string, string];
const pool = openPostgres(DATABASE_URL, { schema: SCHEMA });
const log = new PostgresDocumentLog(pool);
let lost = false;
const ownership = new DocumentOwnership(
	new DocumentLeases(pool, `holder-${process.pid}`, Number(LEASE_MS)),
	{
		onLost: () => {
			lost = true;
			console.log('lost');
		}
	}
);

const lease = await ownership.take(DOC);
if (!lease) throw new Error(`${DOC} is owned by another process`);
console.log(`took ${lease.token}`);

async function writeWhileOwned(): Promise<void> {
	for (let i = 0; !lost; i++) {
		// As the sync server will: the lease is read when a change is judged, and the write that
		// follows may be held up (here, by the process being paused) before it reaches PostgreSQL.
		const current = ownership.leaseOf(DOC);
		if (!current) return;
		await new Promise((resolve) => setTimeout(resolve, 2));
		try {
			console.log(`acked ${await log.append(current, new Uint8Array([i % 256]))}`);
		} catch (error) {
			if (!(error instanceof StaleOwnerError)) throw error;
			console.log('refused');
		}
	}
}

await Promise.all([1, 2, 3, 4].map(() => writeWhileOwned()));
await pool.end();
