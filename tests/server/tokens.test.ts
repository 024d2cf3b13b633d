/**
 * One-time tokens (server/auth/tokens.ts), a room of units of work: the same contract run against
 * the embedded SQLite database and PostgreSQL, and a link raced by three server processes at once
 * on PostgreSQL is used exactly once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_POLICY, type AuthSettings } from '../../server/auth/settings';
import {
	consumeToken,
	deleteStaleTokens,
	issueToken,
	peekToken,
	retireTokens,
	revokeTokens
} from '../../server/auth/tokens';
import {
	PostgresEngine,
	SqliteEngine,
	all,
	run,
	sql,
	type Engine,
	type Work
} from '../../server/db/work';
import { openConsoleDatabase } from '../../server/schema';
import { POSTGRES_URL, startPostgres, type TestPostgres } from '../support/postgres';

const HOUR = 3_600_000;

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
});
afterAll(async () => {
	await postgres?.drop();
});

const ENGINES: Record<string, () => Engine> = {
	sqlite: () => new SqliteEngine(openConsoleDatabase(':memory:')),
	postgres: () => new PostgresEngine(postgres.pool)
};

describe.each(Object.keys(ENGINES))('one-time tokens on %s', (name) => {
	let engine: Engine;
	let time: number;
	const settings: AuthSettings = { ...DEFAULT_AUTH_POLICY, now: () => time };
	const perform = <T>(work: Work<T>): Promise<T> => engine.perform(work);

	beforeEach(async () => {
		engine = ENGINES[name]!();
		await perform(run(sql`DELETE FROM tokens`));
		time = Date.UTC(2025, 0, 15);
	});

	it('carries its email, subject and data, once', async () => {
		const { token, expiresAt } = await perform(
			issueToken(settings, {
				purpose: 'invite',
				email: 'Ada@Library.example.edu',
				subject: 'invite-1',
				data: { role: 'analyst' }
			})
		);
		expect(expiresAt).toBe(time + 7 * 24 * HOUR);
		expect(await perform(consumeToken(settings, token, 'invite'))).toEqual({
			ok: true,
			email: 'ada@library.example.edu',
			subject: 'invite-1',
			data: { role: 'analyst' },
			expiresAt
		});
		expect(await perform(consumeToken(settings, token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-used'
		});
	});

	it('is at least 128 random bits, different every time', async () => {
		const tokens = new Set<string>();
		for (let index = 0; index < 100; index += 1)
			tokens.add(
				(await perform(issueToken(settings, { purpose: 'sign-in', email: 'a@b.org' }))).token
			);
		expect(tokens.size).toBe(100);
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
	});

	it('expires after the lifetime of its purpose', async () => {
		const { token } = await perform(
			issueToken(settings, { purpose: 'password-reset', email: 'a@b.org' })
		);
		time += HOUR - 1;
		expect((await perform(peekToken(settings, token, 'password-reset'))).ok).toBe(true);
		time += 1;
		expect(await perform(consumeToken(settings, token, 'password-reset'))).toMatchObject({
			ok: false,
			code: 'token-expired'
		});
	});

	it('can be looked at without being used up', async () => {
		const { token } = await perform(issueToken(settings, { purpose: 'invite', email: 'a@b.org' }));
		expect((await perform(peekToken(settings, token, 'invite'))).ok).toBe(true);
		expect((await perform(peekToken(settings, token, 'invite'))).ok).toBe(true);
		expect((await perform(consumeToken(settings, token, 'invite'))).ok).toBe(true);
		expect(await perform(peekToken(settings, token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-used'
		});
	});

	it('is worth nothing for another purpose', async () => {
		const { token } = await perform(issueToken(settings, { purpose: 'sign-in', email: 'a@b.org' }));
		expect(await perform(consumeToken(settings, token, 'password-reset'))).toMatchObject({
			ok: false,
			code: 'token-invalid'
		});
		expect((await perform(consumeToken(settings, token, 'sign-in'))).ok).toBe(true);
	});

	it('is revoked with the other unused tokens of its subject, so that a resend replaces it', async () => {
		const first = await perform(
			issueToken(settings, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' })
		);
		const other = await perform(
			issueToken(settings, { purpose: 'invite', email: 'c@d.org', subject: 'invite-2' })
		);
		expect(await perform(revokeTokens('invite', 'invite-1'))).toBe(1);
		const resent = await perform(
			issueToken(settings, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' })
		);

		expect(await perform(consumeToken(settings, first.token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-invalid'
		});
		expect((await perform(consumeToken(settings, resent.token, 'invite'))).ok).toBe(true);
		expect((await perform(consumeToken(settings, other.token, 'invite'))).ok).toBe(true);
	});

	it('says it was replaced once retired by a newer one, also past its expiry, until it is stale', async () => {
		const first = await perform(
			issueToken(settings, {
				purpose: 'invite',
				email: 'a@b.org',
				subject: 'invite-1',
				data: { projectId: 'p1' }
			})
		);
		expect(await perform(retireTokens('invite', 'invite-1', 'superseded'))).toBe(1);
		const resent = await perform(
			issueToken(settings, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' })
		);
		const superseded = {
			ok: false,
			code: 'token-superseded',
			message: expect.any(String),
			retired: { subject: 'invite-1', data: { projectId: 'p1' } }
		};
		expect(await perform(peekToken(settings, first.token, 'invite'))).toEqual(superseded);
		expect(await perform(consumeToken(settings, first.token, 'invite'))).toEqual(superseded);
		time = first.expiresAt + HOUR;
		expect(await perform(peekToken(settings, first.token, 'invite'))).toEqual(superseded);
		expect(await perform(peekToken(settings, resent.token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-expired'
		});
		await perform(deleteStaleTokens(settings, 0));
		expect(await perform(peekToken(settings, first.token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-invalid'
		});
	});

	it('says it was withdrawn, and a used one stays used', async () => {
		const used = await perform(
			issueToken(settings, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' })
		);
		expect((await perform(consumeToken(settings, used.token, 'invite'))).ok).toBe(true);
		const open = await perform(
			issueToken(settings, { purpose: 'invite', email: 'a@b.org', subject: 'invite-1' })
		);
		expect(await perform(retireTokens('invite', 'invite-1', 'withdrawn'))).toBe(1);
		expect(await perform(peekToken(settings, used.token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-used'
		});
		expect(await perform(peekToken(settings, open.token, 'invite'))).toMatchObject({
			ok: false,
			code: 'token-withdrawn'
		});
	});

	it('is stored only as a hash', async () => {
		const { token } = await perform(issueToken(settings, { purpose: 'sign-in', email: 'a@b.org' }));
		const rows = JSON.stringify(await perform(all(sql`SELECT * FROM tokens`)));
		expect(rows).not.toContain(token);
		expect(rows).toContain('a@b.org');
	});
});

describe('a one-time link raced on PostgreSQL by three server processes', () => {
	it('is used exactly once, each of many', async () => {
		const engine = new PostgresEngine(postgres.pool);
		const settings: AuthSettings = { ...DEFAULT_AUTH_POLICY, now: Date.now };
		const links: string[] = [];
		for (let index = 0; index < 30; index += 1)
			links.push(
				(
					await engine.perform(
						issueToken(settings, { purpose: 'sign-in', email: `p${index}@b.org` })
					)
				).token
			);
		const processes = Array.from({ length: 3 }, () =>
			spawn(process.execPath, ['--import', 'tsx', 'tests/support/token-consumer-process.ts'], {
				env: { ...process.env, DATABASE_URL: POSTGRES_URL, SCHEMA: postgres.schema },
				stdio: ['pipe', 'pipe', 'inherit']
			})
		);
		const outputs = processes.map((child) => {
			let text = '';
			child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
			return once(child, 'exit').then(() => text);
		});
		// Each process says it is ready once connected; then all are told the links at once.
		await Promise.all(
			processes.map(
				(child) =>
					new Promise<void>((resolve) =>
						child.stdout.once(
							'data',
							(chunk: Buffer) => chunk.toString().includes('ready') && resolve()
						)
					)
			)
		);
		for (const child of processes) child.stdin.end(JSON.stringify(links));
		const won = (await Promise.all(outputs)).map(
			(text) => JSON.parse(text.slice(text.indexOf('\n') + 1)) as string[]
		);
		const uses = won.flat();
		expect(uses).toHaveLength(links.length);
		expect(new Set(uses)).toEqual(new Set(links));
	});
});
