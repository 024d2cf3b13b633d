/**
 * The documents a process owns, against a real PostgreSQL: leases renewed in the background, a
 * lease lost to another process or to time, and a real server process paused (SIGSTOP) past its
 * lease while another takes its document over, then let go on (SIGCONT).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../server/db/postgres';
import { DocumentLeases, type Lease } from '../../server/sync/leases';
import { DocumentOwnership } from '../../server/sync/ownership';
import { PostgresDocumentLog } from '../../server/sync/postgres-log';
import { eventually } from '../support/eventually';
import { POSTGRES_URL, startPostgres, type TestPostgres } from '../support/postgres';

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
});
afterAll(async () => {
	await postgres?.drop();
});

/** What time does to a lease: it runs out. */
const expire = (doc: string) =>
	postgres.pool.query('UPDATE doc_leases SET expires_at = now() WHERE doc = $1', [doc]);

describe('the documents a process owns', () => {
	it('keeps a lease it renews, and gives up one another process took over, once', async () => {
		const lost: string[] = [];
		const a = new DocumentOwnership(new DocumentLeases(postgres.pool, 'a', 60_000), {
			onLost: (doc) => lost.push(doc)
		});
		const b = new DocumentLeases(postgres.openPool(), 'b', 60_000);
		try {
			const [kept, taken] = [
				(await a.take('project/kept')) as Lease,
				(await a.take('project/taken')) as Lease
			];
			expect(await b.acquire('project/taken')).toBeNull();
			await a.renewAll();
			expect(a.documents.sort()).toEqual(['project/kept', 'project/taken']);

			await expire('project/taken');
			const takenOver = (await b.acquire('project/taken')) as Lease;
			expect(takenOver.token).toBeGreaterThan(taken.token);
			await a.renewAll();
			await a.renewAll();
			expect(lost).toEqual(['project/taken']);
			expect(a.leaseOf('project/taken')).toBeNull();
			expect(a.leaseOf('project/kept')).toEqual(kept);
		} finally {
			await a.stop();
		}
		// Stopping let the kept document go: another process may take it at once.
		expect(await b.acquire('project/kept')).not.toBeNull();
	});

	it('stops judging a document once it could not renew its lease for as long as a lease lasts', async () => {
		const pool = openPostgres(POSTGRES_URL, { schema: postgres.schema });
		const errors: unknown[] = [];
		const lost: string[] = [];
		const ownership = new DocumentOwnership(new DocumentLeases(pool, 'cut-off', 400), {
			onLost: (doc) => lost.push(doc),
			onError: (error) => errors.push(error)
		});
		try {
			expect(await ownership.take('project/cut-off')).not.toBeNull();
			// PostgreSQL can no longer be reached from this process.
			await pool.end();
			await ownership.renewAll();
			expect(errors.length).toBeGreaterThan(0);
			await eventually(() => lost.length > 0, 'the lease to be given up');
			expect(lost).toEqual(['project/cut-off']);
			expect(ownership.documents).toEqual([]);
		} finally {
			await ownership.stop();
		}
	});
	it('renews each lease on its own: one held up gives up that document alone, at its deadline', async () => {
		const lost: string[] = [];
		const ownership = new DocumentOwnership(new DocumentLeases(postgres.pool, 'busy', 900), {
			onLost: (doc) => lost.push(doc),
			renewEveryMs: 100
		});
		const blocker = await postgres.openPool().connect();
		try {
			expect(await ownership.take('project/held-up')).not.toBeNull();
			expect(await ownership.take('project/free')).not.toBeNull();
			// Another transaction holds the first lease's row, as a long compaction would.
			await blocker.query('BEGIN');
			await blocker.query("SELECT 1 FROM doc_leases WHERE doc = 'project/held-up' FOR UPDATE");
			await eventually(() => lost.length > 0, 'the held-up lease to be given up', 10_000);
			expect(lost).toEqual(['project/held-up']);
			expect(ownership.documents).toEqual(['project/free']);
			const { rows } = await postgres.pool.query<{ live: boolean }>(
				"SELECT expires_at > now() AS live FROM doc_leases WHERE doc = 'project/free'"
			);
			expect(rows[0]!.live).toBe(true);
		} finally {
			await blocker.query('ROLLBACK');
			blocker.release();
			await ownership.stop();
		}
	});
});

describe('a server process paused past its lease', () => {
	it('loses nothing it acknowledged and writes nothing once another process took over', async () => {
		const doc = 'project/paused';
		const LEASE_MS = 600;
		const child = spawn(
			process.execPath,
			['--import', 'tsx', 'tests/support/lease-holder-process.ts'],
			{
				env: {
					...process.env,
					DATABASE_URL: POSTGRES_URL,
					SCHEMA: postgres.schema,
					DOC: doc,
					LEASE_MS: String(LEASE_MS)
				},
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		const lines: string[] = [];
		createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
		try {
			await eventually(
				() => lines.filter((line) => line.startsWith('acked')).length >= 50,
				'writes',
				30_000
			);
			const oldToken = Number(lines[0]!.split(' ')[1]);

			child.kill('SIGSTOP');
			const other = new DocumentLeases(postgres.openPool(), 'other', 60_000);
			const log = new PostgresDocumentLog(postgres.pool);
			// The paused owner cannot renew: once its lease has run out, the other process takes over.
			const takenOver = await eventually(() => other.acquire(doc), 'the lease to run out', 10_000);
			expect(takenOver.token).toBeGreaterThan(oldToken);
			const loadedThrough = await log.lastUpdate(doc);
			const ownWrite = await log.append(takenOver, new Uint8Array([255]));

			child.kill('SIGCONT');
			await eventually(
				() => lines.includes('lost'),
				'the paused process to know it lost the document'
			);
			expect(await exited).toBe(0);

			const rows = (
				await postgres.pool.query<{ id: string; fence: string }>(
					'SELECT id, fence FROM doc_updates WHERE doc = $1 ORDER BY id',
					[doc]
				)
			).rows.map((row) => ({ id: Number(row.id), fence: Number(row.fence) }));
			const acknowledged = lines
				.filter((line) => line.startsWith('acked'))
				.map((line) => Number(line.split(' ')[1]));
			const stored = new Set(rows.map((row) => row.id));
			for (const id of acknowledged) {
				expect(stored.has(id)).toBe(true);
				expect(id).toBeLessThanOrEqual(loadedThrough);
			}
			expect(rows.filter((row) => row.id > loadedThrough)).toEqual([
				{ id: ownWrite, fence: takenOver.token }
			]);
			expect(
				rows.filter((row) => row.fence === oldToken).every((row) => row.id <= loadedThrough)
			).toBe(true);
		} finally {
			child.kill('SIGKILL');
		}
	});
});
