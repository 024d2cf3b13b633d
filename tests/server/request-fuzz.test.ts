/**
 * Generative tests of the server's edges: random requests to every route the router knows (taken
 * from the router's registrations, not listed here) and random upgrades, written as raw bytes on
 * a socket (tests/support/raw-http.ts) so that nothing normalises them: malformed targets and
 * percent-encodings, odd or repeated headers (Cookie, Authorization, Origin, Content-Type), bodies
 * that are not JSON, nested deep, too large, chunked, shorter or longer than declared, connections
 * reset mid-request. No answer may be a 5xx, no exception or rejection may go uncaught, and the
 * server must still answer its health check at the end.
 *
 * The default run is bounded to a few seconds. For a long run:
 *   FUZZ_RUNS=5000 npx vitest run tests/server/request-fuzz.test.ts
 * A failure prints fast-check's seed and the shrunk request; FUZZ_SEED=<seed> replays it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, sendRaw, type RawAnswer } from '../support/raw-http';
import type { TestServer } from '../support/server';
import { sessionCookieFor } from '../support/sync';
import { setUpHarbour, startWorkflowServer } from '../support/workflows';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let server: TestServer;
let host: string;
/** Every route the app registered, as `[method, path]`. */
let routes: [string, string][];
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
	server = await startWorkflowServer();
	routes = server.app.routes.map((route) => [route.method, route.path]);
	setUpHarbour(server);
	host = new URL(server.url).host;
	process.on('uncaughtException', recordUncaught);
	process.on('unhandledRejection', recordUncaught);
});

afterAll(async () => {
	process.off('uncaughtException', recordUncaught);
	process.off('unhandledRejection', recordUncaught);
	await server.close();
});

/** Who a request is signed in as: nobody, a member of p1 (iza is its admin), or a stranger. */
const WHO = fc.constantFrom(null, 'iza', 'ian', 'cole', 'nora');

/** Path segments and parameters: real ids, encodings good and broken, long, traversal. */
const SEGMENT = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom('p1', 'p2', 'main', 'harbour', 'iza', 'nope', '') },
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			'%',
			'%E0%A4%A',
			'%zz',
			'%C0%AF',
			'%00',
			'%ff%fe',
			'..',
			'%2e%2e',
			'%2F',
			'%25'
		)
	},
	{ weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
	// Raw non-ASCII bytes in the request line: Node's parser refuses them itself.
	fc.string({ unit: 'grapheme', maxLength: 10 }),
	fc.integer({ min: 100, max: 6000 }).map((length) => 'a'.repeat(length))
);

const QUERY = fc.oneof(
	fc.constant(''),
	fc.constantFrom('?', '?name=Codes', '?name=%', '?token=%E0%A4%A', '?a=1&a=2', '?%=%', '#frag'),
	fc.string({ maxLength: 30 }).map((text) => `?name=${encodeURIComponent(text)}`)
);

/** Targets nothing well-behaved sends. */
const MALFORMED_TARGET = fc.constantFrom(
	'//[',
	'/%',
	'/api/x/%E0%A4%A',
	'/api/%',
	'//',
	'//evil.example/api/health',
	'http://[',
	'http://evil.example/api/health',
	'https://:0/',
	'*',
	'api/health',
	'/api/health\u0000',
	'/\u0000',
	'/api/health?\u00ff',
	`/${'x'.repeat(20_000)}`,
	'/sync/%',
	'/_app/immutable/../../package.json',
	'/..%2f..%2fpackage.json',
	'/favicon.svg/x',
	'/%00.html'
);

const HEADER_VALUE = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.string({ maxLength: 60 }).map((text) => text.replace(/[\r\n]/g, ' '))
	},
	{
		weight: 1,
		arbitrary: fc.constantFrom('', ' ', ';', '=', '\u00ff\u00fe', '\u0001', 'a'.repeat(9000))
	}
);

type Header = [string, string];

const header = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
	fc.tuple(name, value) as fc.Arbitrary<Header>;

/** Headers besides Host and Connection, some repeated, some malformed. */
const HEADERS = fc.array(
	fc.oneof(
		header(
			fc.constant('Cookie'),
			fc.constantFrom(
				'session=',
				'session=a.b',
				'session=..',
				'=;;=;',
				'__Host-session=x; session=y'
			)
		),
		header(fc.constant('Authorization'), fc.constantFrom('Bearer ', 'Bearer a.b', 'Basic Zm9v')),
		header(fc.constant('Origin'), fc.constantFrom('null', 'https://evil.example', 'http://[')),
		header(fc.constant('Sec-Fetch-Site'), fc.constantFrom('same-origin', 'cross-site', '')),
		header(
			fc.constant('Content-Type'),
			fc.constantFrom(
				'application/json; charset=utf-16',
				'application/jsonx',
				'text/csv; charset=latin1',
				'multipart/form-data; boundary=x',
				''
			)
		),
		header(fc.constantFrom('Cookie', 'Authorization', 'Origin', 'Content-Type'), HEADER_VALUE),
		header(fc.constantFrom('Accept-Encoding', 'If-None-Match', 'Range', 'Expect'), HEADER_VALUE),
		header(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), HEADER_VALUE)
	),
	{ maxLength: 4 }
);

const BODY = fc.oneof(
	fc.constant(''),
	fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
	fc.constantFrom(
		'{"email":"iza@example.org"}',
		'{"email":"nobody@example.org","password":"correct horse"}',
		'{"token":"a.b"}',
		'{"name":"x"}',
		'{"accountIds":["ian"],"role":"admin"}',
		'{',
		'null',
		'[]',
		'"\\ud800"',
		'\ufeff{}',
		'code,label\r\nA,"unclosed\r\n',
		'\u0000\u0001\u0002'
	),
	fc.integer({ min: 100, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
	fc.integer({ min: 10_000, max: 100_000 }).map((size) => `{"email":"${'a'.repeat(size)}"}`),
	fc.string({ unit: 'binary', maxLength: 200 })
);

/** How the body travels: its declared length right, short, long, or none (chunked, well or not). */
type Framing =
	| 'length'
	| 'declared-shorter'
	| 'declared-longer'
	| 'chunked'
	| 'chunked-malformed'
	| 'chunked-and-length';

const FRAMING = fc.constantFrom<Framing>(
	'length',
	'length',
	'length',
	'length',
	'length',
	'declared-shorter',
	'declared-longer',
	'chunked',
	'chunked-malformed',
	'chunked-and-length'
);

/** Now and then, the client resets the connection right after writing its request. */
const ONE_IN_TWENTY = fc.integer({ min: 0, max: 19 }).map((draw) => draw === 0);

const SOME_METHOD = fc.constantFrom(
	'GET',
	'POST',
	'PUT',
	'PATCH',
	'DELETE',
	'HEAD',
	'OPTIONS',
	'BREW'
);

interface RequestCase {
	method: string;
	target: string;
	who: string | null;
	sendOrigin: boolean;
	contentType: string | null;
	headers: Header[];
	/** No body at all, or one and how it travels. */
	body: { text: string; framing: Framing } | null;
	hostVariant: 'own' | 'foreign' | 'none' | 'twice';
	reset: boolean;
}

/** A request to one of the routes, mostly with its own method and a path it matches. */
function routeRequest(): fc.Arbitrary<RequestCase> {
	return fc.constantFrom(...routes).chain(([method, path]) =>
		fc.record({
			method: fc.oneof({ weight: 4, arbitrary: fc.constant(method) }, SOME_METHOD),
			target: fc.oneof(
				{ weight: 6, arbitrary: pathOf(path) },
				MALFORMED_TARGET,
				fc.array(SEGMENT, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`)
			),
			who: WHO,
			sendOrigin: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
			contentType: fc.constantFrom('application/json', 'application/json', 'text/csv', null),
			headers: HEADERS,
			body: fc.option(fc.record({ text: BODY, framing: FRAMING }), { freq: 4 }),
			hostVariant: fc.oneof(
				{ weight: 12, arbitrary: fc.constant('own' as const) },
				fc.constantFrom('foreign' as const, 'none' as const, 'twice' as const)
			),
			reset: ONE_IN_TWENTY
		})
	);
}

/** The route's path, its parameters filled in with anything, and a query. */
function pathOf(path: string): fc.Arbitrary<string> {
	return fc
		.tuple(fc.array(SEGMENT, { minLength: 4, maxLength: 4 }), QUERY)
		.map(([values, query]) => {
			let index = 0;
			return path.replace(/:[A-Za-z]+/g, () => values[index++]!) + query;
		});
}

function encode(request: RequestCase): { bytes: Buffer; endAfterMs?: number } {
	const headers: Header[] = [];
	if (request.hostVariant === 'own' || request.hostVariant === 'twice')
		headers.push(['Host', host]);
	if (request.hostVariant === 'foreign') headers.push(['Host', 'attacker.example']);
	if (request.hostVariant === 'twice') headers.push(['Host', 'attacker.example']);
	if (request.who) headers.push(['Cookie', sessionCookieFor(server, request.who)]);
	if (request.sendOrigin) headers.push(['Origin', server.origin]);
	if (request.contentType) headers.push(['Content-Type', request.contentType]);
	headers.push(...request.headers, ['Connection', 'close']);
	if (!request.body) return { bytes: rawRequest(request.method, request.target, headers) };
	const body = Buffer.from(request.body.text, 'utf8');
	const { framing } = request.body;
	switch (framing) {
		case 'length':
			headers.push(['Content-Length', String(body.length)]);
			return { bytes: rawRequest(request.method, request.target, headers, body) };
		case 'declared-shorter':
			headers.push(['Content-Length', String(Math.floor(body.length / 2))]);
			return { bytes: rawRequest(request.method, request.target, headers, body) };
		case 'declared-longer':
			headers.push(['Content-Length', String(body.length + 10)]);
			return { bytes: rawRequest(request.method, request.target, headers, body), endAfterMs: 20 };
		case 'chunked':
		case 'chunked-malformed':
		case 'chunked-and-length': {
			headers.push(['Transfer-Encoding', 'chunked']);
			if (framing === 'chunked-and-length') headers.push(['Content-Length', '5']);
			const size = framing === 'chunked-malformed' ? 'zz' : body.length.toString(16);
			const chunked = Buffer.concat([
				Buffer.from(`${size}\r\n`),
				body,
				Buffer.from(body.length > 0 ? '\r\n0\r\n\r\n' : '\r\n\r\n')
			]);
			return { bytes: rawRequest(request.method, request.target, headers, chunked) };
		}
	}
}

/** An upgrade to the sync endpoint, with anything in its name, its headers and its session. */
const UPGRADE = fc.record({
	prefix: fc.oneof(
		{ weight: 6, arbitrary: fc.constant('/sync/') },
		fc.constantFrom('/sync', '/', '//[', '/api/health')
	),
	name: fc.oneof(
		fc.constantFrom(
			'project%2Fp1',
			'project/p1',
			'view%2Fp1%2Fmain',
			'user%2Fiza',
			'private%2Fp1%2Fmain%2Fiza',
			'project%2Fnope',
			'',
			'%',
			'%E0%A4%A',
			'%00'
		),
		SEGMENT
	),
	query: fc.constantFrom('', '?token=', '?token=a.b', '?token=%', '?token=a&token=b'),
	who: WHO,
	origin: fc.oneof(
		{ weight: 4, arbitrary: fc.constant('own') },
		fc.constantFrom('none', 'foreign', 'null')
	),
	handshake: fc.constantFrom('valid', 'valid', 'valid', 'no-key', 'old-version', 'h2c'),
	headers: HEADERS,
	reset: ONE_IN_TWENTY
});

type UpgradeCase = typeof UPGRADE extends fc.Arbitrary<infer T> ? T : never;

function encodeUpgrade(upgrade: UpgradeCase): Buffer {
	const headers: Header[] = [['Host', host]];
	if (upgrade.who) headers.push(['Cookie', sessionCookieFor(server, upgrade.who)]);
	if (upgrade.origin === 'own') headers.push(['Origin', server.origin]);
	if (upgrade.origin === 'foreign') headers.push(['Origin', 'https://evil.example']);
	if (upgrade.origin === 'null') headers.push(['Origin', 'null']);
	headers.push(
		['Connection', 'Upgrade'],
		['Upgrade', upgrade.handshake === 'h2c' ? 'h2c' : 'websocket'],
		['Sec-WebSocket-Version', upgrade.handshake === 'old-version' ? '8' : '13'],
		...(upgrade.handshake === 'no-key'
			? []
			: ([['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']] as Header[])),
		...upgrade.headers
	);
	return rawRequest('GET', `${upgrade.prefix}${upgrade.name}${upgrade.query}`, headers);
}

function describeAnswer(answer: RawAnswer): string {
	return `${answer.status ?? 'no answer'}${answer.timedOut ? ' (timed out)' : ''} ${answer.body.slice(0, 300)}`;
}

/** Nothing a client sends is the server's fault: no 5xx, and an answer (or a close) in time. */
function expectNoServerError(answer: RawAnswer, request: unknown): void {
	const verdict = JSON.stringify({ request, answer: describeAnswer(answer) }).slice(0, 3000);
	expect(answer.timedOut, verdict).toBe(false);
	expect(answer.status === null || answer.status < 500, verdict).toBe(true);
}

describe('random requests', () => {
	it('knows the routes it fuzzes', () => {
		// The router's registrations, not a list kept here: a new route is fuzzed as soon as it exists.
		expect(routes.length).toBeGreaterThan(30);
		expect(routes).toContainEqual(['POST', '/api/projects/:id/views/:viewId/lookup-tables']);
	});

	it('answers every request to every route without a server error', async () => {
		await fc.assert(
			fc.asyncProperty(routeRequest(), async (request) => {
				const { bytes, endAfterMs } = encode(request);
				const answer = await sendRaw(server.url, bytes, {
					endAfterMs,
					resetAfterWrite: request.reset
				});
				expectNoServerError(answer, request);
			}),
			{ numRuns: RUNS, seed: SEED }
		);
		await expectStillServing();
	});

	it('answers or refuses every upgrade without a server error', async () => {
		await fc.assert(
			fc.asyncProperty(UPGRADE, async (upgrade) => {
				const answer = await sendRaw(server.url, encodeUpgrade(upgrade), {
					resetAfterWrite: upgrade.reset
				});
				expectNoServerError(answer, upgrade);
			}),
			{ numRuns: RUNS, seed: SEED }
		);
		await expectStillServing();
	});
});

async function expectStillServing(): Promise<void> {
	expect(server.app.server.listening).toBe(true);
	expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
	expect(uncaught).toEqual([]);
	const signedIn = await fetch(`${server.url}/api/auth/session`, {
		headers: { Cookie: sessionCookieFor(server, 'iza') }
	});
	expect(signedIn.status).toBe(200);
}
