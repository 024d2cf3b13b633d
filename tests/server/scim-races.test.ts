/**
 * SCIM requests that race each other, and a person who keeps writing while their provider ends
 * their access: an identity provider retries and runs requests in parallel, so the same create
 * twice at once, or a deactivation beside a delete, must each leave one outcome. Real HTTP and
 * real sync sockets against one server; the generative part is bounded (FUZZ_RUNS for more).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { issueToken } from '../../server/auth/tokens';
import { performNow } from '../../server/db/work';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import { ADDRESS, issueZoneToken, newUser, patch, scim, setUpLights } from '../support/scim';
import type { TestServer } from '../support/server';
import { SyncClient } from '../support/sync';
import { startWorkflowServer } from '../support/workflows';

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let server: TestServer;
let token: string;
const clients: SyncClient[] = [];

beforeEach(async () => {
	const many = { limit: 1_000_000, windowMs: 60_000 };
	server = await startWorkflowServer({
		options: { scim: { refusedPerIp: many, requestsPerZone: many } }
	});
	setUpLights(server);
	token = await issueZoneToken(server, 'aurora');
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

const count = (sql: string, ...parameters: unknown[]) =>
	server.app.db
		.prepare(sql)
		.pluck()
		.get(...parameters) as number;

/** The address with the letters the mask marks in upper case: the same address to the console. */
const inCase = (address: string, upper: readonly boolean[]) =>
	[...address].map((letter, index) => (upper[index] ? letter.toUpperCase() : letter)).join('');

/** Creates sent at once: which of three addresses, in which case. */
const CREATES = fc.array(
	fc.record({ address: fc.nat(2), upper: fc.array(fc.boolean(), { maxLength: 30 }) }),
	{ minLength: 2, maxLength: 10 }
);

let run = 0;

describe('the same create sent several times at once', () => {
	it('makes one account and one User per address: one 201, the others 409 uniqueness', async () => {
		await fc.assert(
			fc.asyncProperty(CREATES, fc.boolean(), async (creates, hadAccount) => {
				run += 1;
				const addresses = [0, 1, 2].map((index) => `r${run}n${index}@aurora.example.edu`);
				if (hadAccount) createAccount(server.app.authDb, { email: addresses[0]!, name: 'Had one' });
				const answers = await Promise.all(
					creates.map(({ address, upper }) =>
						scim(server, 'POST', '/Users', {
							token,
							body: newUser(inCase(addresses[address]!, upper))
						})
					)
				);
				for (const [index, address] of addresses.entries()) {
					const mine = answers.filter((_, at) => creates[at]!.address === index);
					if (mine.length === 0) continue;
					expect(mine.map((answer) => answer.status).sort()).toEqual([
						201,
						...mine.slice(1).map(() => 409)
					]);
					for (const refused of mine.filter((answer) => answer.status === 409))
						expect(refused.body.scimType).toBe('uniqueness');
					expect(count('SELECT COUNT(*) FROM accounts WHERE email = ?', address)).toBe(1);
					expect(
						count(
							`SELECT COUNT(*) FROM scim_users u JOIN accounts a ON a.id = u.account_id
							 WHERE a.email = ?`,
							address
						)
					).toBe(1);
				}
			}),
			{ numRuns: RUNS, seed: SEED }
		);
	});
});

describe('a deactivation and a delete of one User at once', () => {
	it('leave the User deleted, each act audited once, and nothing a 500', async () => {
		for (const deleteFirst of [false, true]) {
			const address = `race-${deleteFirst}@aurora.example.edu`;
			const { id } = (await scim(server, 'POST', '/Users', { token, body: newUser(address) })).body;
			const deactivate = () =>
				scim(server, 'PATCH', `/Users/${id}`, {
					token,
					body: patch({ op: 'replace', path: 'active', value: false })
				});
			const remove = () => scim(server, 'DELETE', `/Users/${id}`, { token });
			const [first, second] = await Promise.all(
				deleteFirst ? [remove(), deactivate()] : [deactivate(), remove()]
			);
			const statuses = deleteFirst ? [first.status, second.status] : [second.status, first.status];
			expect([
				[204, 200],
				[204, 404]
			]).toContainEqual(statuses);
			expect((await scim(server, 'GET', `/Users/${id}`, { token })).status).toBe(404);
			const acts = server.app.db
				.prepare(
					`SELECT json_extract(after_json, '$.act') FROM audit_log
					 WHERE root = 'governance' AND subject_email = ? AND project_id IS NULL ORDER BY id`
				)
				.pluck()
				.all(address);
			expect(acts).toEqual(
				statuses[1] === 200 ? ['provisioned', 'deactivated', 'deleted'] : ['provisioned', 'deleted']
			);
			const { token: link } = performNow(
				server.app.db,
				issueToken(server.app.authDb.settings, { purpose: 'sign-in', email: address })
			);
			const signIn = await new TestClient(server).post('/api/auth/link/consume', { token: link });
			expect([signIn.status, signIn.body.error.code]).toEqual([
				403,
				'deactivated-by-identity-provider'
			]);
		}
	});
});

describe('a person writing while their provider deactivates them', () => {
	it('has nothing accepted after the deactivation, and is disconnected', async () => {
		const ivy = (await scim(server, 'POST', '/Users', { token, body: newUser(ADDRESS.ivy) })).body;
		const writer = new SyncClient(server, 'ivy', 'project/pa');
		clients.push(writer);
		await writer.synced();
		let role: 'analyst' | 'consumer' = 'analyst';
		const writes = setInterval(() => {
			role = role === 'analyst' ? 'consumer' : 'analyst';
			writer.setMember('ian', { role });
		}, 5);
		try {
			const accepted = () =>
				count("SELECT COUNT(*) FROM audit_log WHERE author_id = 'ivy' AND outcome = 'accepted'");
			await eventually(() => accepted() >= 3, 'ivy’s changes to be accepted');
			const answer = await scim(server, 'PATCH', `/Users/${ivy.id}`, {
				token,
				body: patch({ op: 'replace', path: 'active', value: false })
			});
			expect(answer.status).toBe(200);
			await eventually(() => writer.closes.length > 0, 'ivy’s connection to close');
			expect(writer.closes[0]!.code).toBe(4410);
		} finally {
			clearInterval(writes);
		}
		const deactivation = count(
			`SELECT MAX(id) FROM audit_log WHERE root = 'governance' AND subject_email = ?`,
			ADDRESS.ivy
		);
		expect(
			count(
				"SELECT COUNT(*) FROM audit_log WHERE author_id = 'ivy' AND outcome = 'accepted' AND id > ?",
				deactivation
			)
		).toBe(0);
	});
});
