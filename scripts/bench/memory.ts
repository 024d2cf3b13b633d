/**
 * Server memory for one open document of `size` members: heap and RSS after loading it, minus
 * before. Run with --expose-gc in a process of its own; prints one JSON line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsoleDatabase } from '../../server/schema';
import { projectDirectory } from '../../server/consortium/project-directory';
import { createLogger } from '../../server/observability/log';
import { sqliteDocumentStore } from '../../server/sync/persistence';
import { DocumentRegistry } from '../../server/sync/registry';
import { createBenchProject } from './project-fixture';

const size = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const db = openConsoleDatabase(join(mkdtempSync(join(tmpdir(), 'bench-memory-')), 'bench.sqlite'));
const directory = projectDirectory(db);
const log = createLogger({ level: 'warn', format: 'readable' }, process.stderr);
const builder = new DocumentRegistry(sqliteDocumentStore(db), directory, {
	unloadAfterMs: 0,
	log
});
createBenchProject(db, builder, size);
builder.close();

function settle(): NodeJS.MemoryUsage {
	for (let round = 0; round < 3; round++) gc!();
	return process.memoryUsage();
}

const before = settle();
const registry = new DocumentRegistry(sqliteDocumentStore(db), directory, {
	unloadAfterMs: 600_000,
	log
});
const document = registry.acquire('project/bench')!;
const after = settle();
process.stdout.write(
	`${JSON.stringify({ size: document.root('members').size, heapBytes: after.heapUsed - before.heapUsed, rssBytes: after.rss - before.rss })}\n`
);
registry.release(document);
