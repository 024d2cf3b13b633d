/**
 * A server process racing for one-time links (tests/server/tokens.test.ts): connects to the
 * PostgreSQL schema it is given, says "ready", reads a JSON list of links on stdin, tries to use
 * every one of them at once, and prints the ones it won.
 */
import { DEFAULT_AUTH_POLICY } from '../../server/auth/settings';
import { consumeToken } from '../../server/auth/tokens';
import { openPostgres } from '../../server/db/postgres';
import { PostgresEngine } from '../../server/db/work';

const pool = openPostgres(process.env.DATABASE_URL!, {
	schema: process.env.SCHEMA!,
	maxConnections: 8
});
await pool.query('SELECT 1');
process.stdout.write('ready\n');
let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const links = JSON.parse(input) as string[];
const engine = new PostgresEngine(pool);
const settings = { ...DEFAULT_AUTH_POLICY, now: Date.now };
const outcomes = await Promise.all(
	links.map((link) => engine.perform(consumeToken(settings, link, 'sign-in')))
);
process.stdout.write(JSON.stringify(links.filter((_, index) => outcomes[index]!.ok)) + '\n');
await pool.end();
