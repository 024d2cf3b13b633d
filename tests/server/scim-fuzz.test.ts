/**
 * Generative tests of the SCIM service's edge: random requests of every method to its endpoints,
 * with bodies that are malformed JSON, other types, users and PATCH operations with random
 * attributes, paths, schemas and values, oversized ones, random filters and paging, wrong content
 * types and tokens. Every answer must be a SCIM response: below 500, and any error a SCIM error
 * object in `application/scim+json` whose `status` is the answer's. The server must still serve a
 * well-formed request at the end, and no exception may go uncaught.
 *
 * Bounded by default; `FUZZ_RUNS=2000 npx vitest run tests/server/scim-fuzz.test.ts` for a long run.
 * A failure prints fast-check's seed; FUZZ_SEED=<seed> replays it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCIM_URN } from '../../src/lib/shared';
import { ADDRESS, issueZoneToken, newUser, patch, scim, setUpLights } from '../support/scim';
import type { TestServer } from '../support/server';
import { startWorkflowServer } from '../support/workflows';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let server: TestServer;
let token: string;
/** Users of the zone the requests may name (`/Users/KNOWN0` … `KNOWN3`). */
const knownIds: string[] = [];
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
	// Limits high enough that the runs reach the parsing, not the rate limiter.
	const many = { limit: 1_000_000, windowMs: 60_000 };
	server = await startWorkflowServer({
		options: { scim: { refusedPerIp: many, requestsPerZone: many } }
	});
	setUpLights(server);
	token = await issueZoneToken(server, 'aurora');
	for (const address of [
		ADDRESS.ian,
		ADDRESS.ivy,
		'ada@aurora.example.edu',
		'abe@aurora.example.edu'
	])
		knownIds.push(
			(await scim(server, 'POST', '/Users', { token, body: newUser(address) })).body.id
		);
	process.on('uncaughtException', recordUncaught);
	process.on('unhandledRejection', recordUncaught);
});

afterAll(async () => {
	process.off('uncaughtException', recordUncaught);
	process.off('unhandledRejection', recordUncaught);
	await server.close();
});

const METHOD = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');

const FILTER = fc.oneof(
	fc.string({ maxLength: 60 }),
	fc
		.tuple(
			fc.constantFrom(
				'userName',
				'USERNAME',
				'externalId',
				'id',
				'title',
				`${SCIM_URN.user}:userName`,
				''
			),
			fc.constantFrom('eq', 'EQ', 'co', 'sw', 'pr', ''),
			fc.oneof(
				fc.string({ maxLength: 30 }).map((text) => JSON.stringify(text)),
				fc.string({ maxLength: 20 })
			)
		)
		.map(([attribute, operator, value]) => `${attribute} ${operator} ${value}`)
);

const PATH = fc.oneof(
	fc.constantFrom(
		'/Users',
		'/Users/nope',
		'/Users/%',
		'/Users/%E0%A4%A',
		'/Users/a/b',
		'/ServiceProviderConfig',
		'/ResourceTypes',
		'/ResourceTypes/User',
		'/ResourceTypes/Group',
		'/Schemas',
		`/Schemas/${SCIM_URN.user}`,
		'/Schemas/urn:x',
		'/Groups',
		'/Bulk',
		'',
		'/',
		'//Users'
	),
	fc.nat(3).map((index) => `/Users/KNOWN${index}`),
	FILTER.map((filter) => `/Users?filter=${encodeURIComponent(filter)}`),
	fc
		.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
		.map(
			([start, count]) =>
				`/Users?startIndex=${encodeURIComponent(start)}&count=${encodeURIComponent(count)}`
		),
	fc.integer({ min: -5, max: 200 }).map((count) => `/Users?count=${count}&startIndex=${count}`)
);

/** An address of Aurora that an identity provider would send. */
const AURORA_ADDRESS = fc
	.stringMatching(/^[a-z][a-z0-9]{0,12}$/)
	.map((local) => `${local}@aurora.example.edu`);

const ADDRESS_VALUE = fc.oneof(
	fc.emailAddress(),
	AURORA_ADDRESS,
	fc.constantFrom(ADDRESS.ian, ADDRESS.bea, ADDRESS.nadia),
	fc.anything({ maxDepth: 2 })
);

const SCHEMAS = fc.oneof(
	fc.constant([SCIM_URN.user]),
	fc.constant([SCIM_URN.patchOp]),
	fc.constant([SCIM_URN.user, SCIM_URN.enterpriseUser]),
	fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
	fc.anything({ maxDepth: 1 })
);

const USER = fc.record(
	{
		schemas: SCHEMAS,
		userName: ADDRESS_VALUE,
		UserName: ADDRESS_VALUE,
		externalId: fc.oneof(fc.string({ maxLength: 300 }), fc.anything({ maxDepth: 1 })),
		displayName: fc.oneof(fc.string({ maxLength: 300 }), fc.anything({ maxDepth: 1 })),
		active: fc.oneof(
			fc.boolean(),
			fc.constantFrom('True', 'false', 'maybe'),
			fc.anything({ maxDepth: 1 })
		),
		name: fc.oneof(
			fc.record(
				{ givenName: fc.anything({ maxDepth: 1 }), familyName: fc.string() },
				{ requiredKeys: [] }
			),
			fc.anything({ maxDepth: 2 })
		),
		emails: fc.anything({ maxDepth: 2 }),
		id: fc.string({ maxLength: 10 })
	},
	{ requiredKeys: [] }
);

const OPERATION = fc.record(
	{
		op: fc.oneof(
			fc.constantFrom('add', 'Replace', 'remove', 'REMOVE', 'move'),
			fc.anything({ maxDepth: 1 })
		),
		path: fc.oneof(
			fc.constantFrom(
				'active',
				'userName',
				'displayName',
				'externalId',
				'name',
				'name.givenName',
				'name.nickname',
				'emails[type eq "work"].value',
				'emails[type eq "work"',
				`${SCIM_URN.enterpriseUser}:department`,
				`${SCIM_URN.user}:active`,
				'id',
				'meta',
				'members',
				'x..y',
				''
			),
			fc.string({ maxLength: 40 }),
			fc.anything({ maxDepth: 1 })
		),
		value: fc.oneof(USER, fc.jsonValue({ maxDepth: 2 }), ADDRESS_VALUE)
	},
	{ requiredKeys: [] }
);

const BODY = fc.oneof(
	fc.constant(undefined),
	fc.string({ maxLength: 80 }),
	fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
	USER.map((user) => JSON.stringify(user)),
	fc
		.record(
			{
				schemas: SCHEMAS,
				Operations: fc.oneof(fc.array(OPERATION, { maxLength: 4 }), fc.anything({ maxDepth: 2 }))
			},
			{ requiredKeys: [] }
		)
		.map((body) => JSON.stringify(body)),
	fc
		.integer({ min: 32 * 1024, max: 40 * 1024 })
		.map((size) => JSON.stringify({ userName: 'x'.repeat(size) })),
	fc.constant('{"userName": "a@aurora.example.edu", '),
	fc.constant('\u0000\u00ff')
);

/** A user an identity provider could send, with some of its attributes made random. */
const LIKELY_USER = fc
	.tuple(
		AURORA_ADDRESS,
		USER,
		fc.oneof(
			fc.constant([]),
			fc.subarray(['schemas', 'userName', 'active', 'name', 'displayName', 'externalId'], {
				maxLength: 2
			})
		)
	)
	.map(([userName, random, keep]) => {
		const user: Record<string, unknown> = newUser(userName);
		for (const attribute of keep) user[attribute] = (random as Record<string, unknown>)[attribute];
		return JSON.stringify(user);
	});

const LIKELY_PATCH = fc
	.array(
		fc.record(
			{
				op: fc.constantFrom('add', 'replace', 'Replace', 'remove'),
				path: fc.constantFrom(
					'active',
					'displayName',
					'name.givenName',
					'name',
					'externalId',
					'userName',
					'emails[type eq "work"].value',
					`${SCIM_URN.enterpriseUser}:department`
				),
				value: fc.oneof(
					fc.boolean(),
					fc.constantFrom('False', 'True'),
					fc.string({ maxLength: 20 }),
					fc.record(
						{ active: fc.boolean(), displayName: fc.string({ maxLength: 20 }) },
						{ requiredKeys: [] }
					),
					AURORA_ADDRESS
				)
			},
			{ requiredKeys: ['op'] }
		),
		{ minLength: 1, maxLength: 3 }
	)
	.map((operations) => JSON.stringify({ schemas: [SCIM_URN.patchOp], Operations: operations }));

const KNOWN_USER = fc.nat(3).map((index) => `/Users/KNOWN${index}`);

/** A request: mostly what a provider sends, with its parts made random; sometimes anything. */
const REQUEST = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.record({
			method: fc.constant('POST'),
			path: fc.constant('/Users'),
			body: LIKELY_USER
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({ method: fc.constant('PATCH'), path: KNOWN_USER, body: LIKELY_PATCH })
	},
	{
		weight: 2,
		arbitrary: fc.record({ method: fc.constant('PUT'), path: KNOWN_USER, body: LIKELY_USER })
	},
	{
		weight: 2,
		arbitrary: fc.record({ method: fc.constant('GET'), path: PATH, body: fc.constant(undefined) })
	},
	{ weight: 3, arbitrary: fc.record({ method: METHOD, path: PATH, body: BODY }) }
);

const CONTENT_TYPE = fc.constantFrom(
	'application/scim+json',
	'application/scim+json',
	'application/scim+json',
	'application/json; charset=utf-8',
	'text/plain',
	'application/scim+jsonx',
	undefined
);

const TOKEN = fc.oneof(
	{ weight: 6, arbitrary: fc.constant('VALID') },
	{ weight: 1, arbitrary: fc.constantFrom(null, 'scim_', 'Bearer', 'scim_aaaa.bbbb') },
	{ weight: 1, arbitrary: fc.string({ maxLength: 80 }) }
);

describe('the SCIM service under random requests', () => {
	it('answers every one with a SCIM response, and keeps serving', async () => {
		await fc.assert(
			fc.asyncProperty(
				REQUEST,
				CONTENT_TYPE,
				TOKEN,
				async ({ method, path, body }, contentType, presented) => {
					const sent =
						method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? undefined : body;
					const answer = await scim(
						server,
						method,
						path.replace(/KNOWN(\d)/, (_, index: string) => knownIds[Number(index)]!),
						{
							token: presented === 'VALID' ? token : (presented?.replace(/[\r\n]/g, '') ?? null),
							raw: sent,
							...(contentType ? { contentType } : {})
						}
					);
					expect(answer.status).toBeLessThan(500);
					if (answer.status >= 400) {
						expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json/);
						expect(answer.body).toMatchObject({
							schemas: [SCIM_URN.error],
							status: String(answer.status),
							detail: expect.any(String)
						});
					} else if (answer.status !== 204) {
						expect(answer.body.schemas).toEqual(expect.any(Array));
					}
				}
			),
			{ numRuns: RUNS, seed: SEED }
		);
		expect((await scim(server, 'GET', '/Users', { token })).status).toBe(200);
		expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
		expect(uncaught).toEqual([]);
	});
});

/** The attribute's name in another case: `active` → `ACTIVE`, `Active`, `aCtive`, … never itself. */
function otherSpelling(name: string) {
	return fc
		.array(fc.boolean(), { minLength: name.length, maxLength: name.length })
		.map((upper) =>
			[...name].map((letter, index) => (upper[index] ? letter.toUpperCase() : letter)).join('')
		)
		.filter((spelling) => spelling !== name);
}

/** A body naming one attribute twice, in two spellings: what the console keeps of each. */
const NAMED_TWICE = fc.oneof(
	fc.constantFrom('userName', 'active', 'displayName', 'externalId', 'name').chain((attribute) =>
		otherSpelling(attribute).map((spelling) => {
			const user: Record<string, unknown> = newUser('twice@aurora.example.edu');
			const other = { userName: 'other@aurora.example.edu', active: false, name: {} };
			return {
				method: 'POST',
				path: '/Users',
				body: { ...user, [spelling]: other[attribute as keyof typeof other] ?? 'other' }
			};
		})
	),
	otherSpelling('givenName').map((spelling) => ({
		method: 'POST',
		path: '/Users',
		body: newUser('twice@aurora.example.edu', { name: { givenName: 'Ada', [spelling]: 'Bo' } })
	})),
	fc.constantFrom('op', 'path', 'value').chain((attribute) =>
		otherSpelling(attribute).map((spelling) => ({
			method: 'PATCH',
			path: '/Users/KNOWN0',
			body: patch({ op: 'replace', path: 'active', value: false, [spelling]: 'displayName' })
		}))
	),
	otherSpelling('active').map((spelling) => ({
		method: 'PATCH',
		path: '/Users/KNOWN0',
		body: patch({ op: 'replace', value: { active: false, [spelling]: true } })
	}))
);

describe('a body naming one attribute twice, in two spellings', () => {
	it('is refused, and nothing changes: attribute names are compared without regard to case', async () => {
		// A User of its own: the random requests above may have deleted the known ones.
		const { id } = (
			await scim(server, 'POST', '/Users', { token, body: newUser('target@aurora.example.edu') })
		).body;
		const before = (await scim(server, 'GET', `/Users/${id}`, { token })).body;
		const total = (await scim(server, 'GET', '/Users?count=0', { token })).body.totalResults;
		await fc.assert(
			fc.asyncProperty(NAMED_TWICE, async ({ method, path, body }) => {
				const answer = await scim(server, method, path.replace('KNOWN0', id), {
					token,
					body
				});
				expect(answer.status).toBe(400);
				expect(answer.body.detail).toMatch(/ is named twice \(/);
			}),
			{ numRuns: Math.ceil(RUNS / 4), seed: SEED }
		);
		expect((await scim(server, 'GET', `/Users/${id}`, { token })).body).toEqual(before);
		expect((await scim(server, 'GET', '/Users?count=0', { token })).body.totalResults).toBe(total);
	});
});

/** JSON nested `depth` deep, as arrays or objects, within the body limit. */
const NESTED = fc
	.tuple(fc.integer({ min: 100, max: 10_000 }), fc.boolean())
	.map(([depth, arrays]) =>
		arrays
			? `${'['.repeat(depth)}${']'.repeat(depth)}`
			: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
	);

describe('deeply nested JSON', () => {
	it('is answered with a SCIM response wherever it is, and the server keeps serving', async () => {
		const { id } = (
			await scim(server, 'POST', '/Users', { token, body: newUser('nested@aurora.example.edu') })
		).body;
		await fc.assert(
			fc.asyncProperty(
				NESTED,
				fc.constantFrom('userName', 'name', 'emails', 'active', 'x', 'Operations', 'value'),
				async (nested, attribute) => {
					const patching = attribute === 'Operations' || attribute === 'value';
					const raw = patching
						? attribute === 'Operations'
							? `{"schemas":["${SCIM_URN.patchOp}"],"Operations":${nested}}`
							: `{"schemas":["${SCIM_URN.patchOp}"],"Operations":[{"op":"replace","value":${nested}}]}`
						: `{"schemas":["${SCIM_URN.user}"],"userName":"deep@aurora.example.edu","${attribute}":${nested}}`;
					const answer = await scim(
						server,
						patching ? 'PATCH' : 'POST',
						patching ? `/Users/${id}` : '/Users',
						{ token, raw }
					);
					expect(answer.status).toBeLessThan(500);
					if (answer.status >= 400) expect(answer.body.schemas).toEqual([SCIM_URN.error]);
				}
			),
			{ numRuns: Math.ceil(RUNS / 6), seed: SEED }
		);
		expect((await scim(server, 'GET', `/Users/${id}`, { token })).status).toBe(200);
		expect(uncaught).toEqual([]);
	});
});
