/**
 * The server's edges: request targets, path parameters, bodies and upgrades that do not parse are
 * answered with a 4xx (or the upgrade refused with one), and the server keeps serving. Requests
 * are written as raw bytes (tests/support/raw-http.ts), because fetch would refuse or normalise
 * most of them. The generative version of these checks is request-fuzz.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteContract } from '../../src/lib/shared/api-contract';
import { originPolicy } from '../../server/http/origin';
import { Router, sendJson } from '../../server/http/router';
import { captureLog } from '../support/log';
import { rawRequest, sendRaw } from '../support/raw-http';
import type { TestServer } from '../support/server';
import { sessionCookieFor } from '../support/sync';
import { setUpHarbour, startWorkflowServer } from '../support/workflows';

let server: TestServer;
let host: string;
const logged = captureLog();
const errorsLogged = () => logged.entries().filter((entry) => entry.level === 'error');

beforeAll(async () => {
	server = await startWorkflowServer({ options: { log: logged.log } });
	setUpHarbour(server);
	host = new URL(server.url).host;
});
afterAll(() => server.close());

function upgrade(target: string, extra: [string, string][] = []): Buffer {
	return rawRequest('GET', target, [
		['Host', host],
		['Connection', 'Upgrade'],
		['Upgrade', 'websocket'],
		['Sec-WebSocket-Version', '13'],
		['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
		['Origin', server.origin],
		...extra
	]);
}

async function expectStillServing(): Promise<void> {
	expect(server.app.server.listening).toBe(true);
	const health = await fetch(`${server.url}/api/health`);
	expect(health.status).toBe(200);
}

describe('request targets that are not URLs', () => {
	it('answers GET //[ with 400 and keeps serving', async () => {
		const answer = await sendRaw(
			server.url,
			rawRequest('GET', '//[', [
				['Host', host],
				['Connection', 'close']
			])
		);
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'bad-request-target' } });
		await expectStillServing();
	});

	it('refuses an upgrade to //[ with 400 and keeps serving', async () => {
		const answer = await sendRaw(server.url, upgrade('//['));
		expect(answer.status).toBe(400);
		await expectStillServing();
	});

	it('refuses an upgrade to a document name with broken percent-encoding with 400', async () => {
		const answer = await sendRaw(
			server.url,
			upgrade('/sync/%E0%A4%A', [['Cookie', sessionCookieFor(server, 'iza')]])
		);
		expect(answer.status).toBe(400);
		await expectStillServing();
	});
});

describe('path parameters', () => {
	it('answers a parameter with broken percent-encoding with 400, not 500', async () => {
		const answer = await sendRaw(
			server.url,
			rawRequest('GET', '/api/projects/%E0%A4%A/boards', [
				['Host', host],
				['Cookie', sessionCookieFor(server, 'iza')],
				['Connection', 'close']
			])
		);
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'bad-path-parameter' } });
	});
});

describe('bodies', () => {
	const signInLink = (headers: [string, string][], body: string | Buffer) =>
		rawRequest(
			'POST',
			'/api/auth/link',
			[['Host', host], ['Origin', server.origin], ['Connection', 'close'], ...headers],
			body
		);

	it('answers a chunked body over the limit with 413, though it declared no length', async () => {
		const chunk = 'x'.repeat(8192);
		const chunks = Array.from({ length: 8 }, () => `2000\r\n${chunk}\r\n`).join('') + '0\r\n\r\n';
		const answer = await sendRaw(
			server.url,
			signInLink(
				[
					['Content-Type', 'application/json'],
					['Transfer-Encoding', 'chunked']
				],
				chunks
			)
		);
		expect(answer.status).toBe(413);
		expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'body-too-large' } });
		await expectStillServing();
	});

	it('answers a declared length over the limit with 413 before reading the body', async () => {
		const answer = await sendRaw(
			server.url,
			signInLink(
				[
					['Content-Type', 'application/json'],
					['Content-Length', String(1 << 20)]
				],
				'{'
			)
		);
		expect(answer.status).toBe(413);
	});

	it('answers JSON that does not parse, however deep it nests, with 400', async () => {
		for (const body of ['{"email": "ada@library.example.edu",', '['.repeat(16_000)]) {
			const answer = await sendRaw(
				server.url,
				signInLink(
					[
						['Content-Type', 'application/json'],
						['Content-Length', String(body.length)]
					],
					body
				)
			);
			expect(answer.status).toBe(400);
			expect(JSON.parse(answer.body)).toEqual({
				error: { code: 'invalid-json', message: 'The body is not valid JSON.' }
			});
		}
	});

	it('takes a body that ends before its declared length for the client’s mistake, not a server error', async () => {
		const errorsBefore = errorsLogged().length;
		const upload = rawRequest(
			'POST',
			'/api/projects/p1/views/main/lookup-tables?name=Codes',
			[
				['Host', host],
				['Origin', server.origin],
				['Cookie', sessionCookieFor(server, 'iza')],
				['Content-Type', 'text/csv'],
				['Content-Length', '100']
			],
			'code,label\n'
		);
		const answer = await sendRaw(server.url, upload, { endAfterMs: 50 });
		// The server closes its side as it learns of the end, so no answer may reach the client.
		expect(answer.status === null || answer.status === 400).toBe(true);
		await expectStillServing();
		expect(errorsLogged()).toHaveLength(errorsBefore);
	});

	it('refuses a body that only looks like JSON by its type with 415', async () => {
		const body = '{}';
		const answer = await sendRaw(
			server.url,
			signInLink(
				[
					['Content-Type', 'application/json-patch+json'],
					['Content-Length', '2']
				],
				body
			)
		);
		expect(answer.status).toBe(415);
	});
});

describe('a handler that throws', () => {
	let bare: Server;
	let url: string;
	beforeAll(async () => {
		const router = new Router(originPolicy(() => []));
		const throws: RouteContract = {
			method: 'GET',
			path: '/api/throws',
			summary: 'A route whose handler has a bug.',
			caller: 'anyone',
			answer: { type: 'none', status: 204 },
			errors: []
		};
		router.add(throws, () => {
			throw new TypeError('a bug in a handler');
		});
		bare = createServer((req, res) => {
			void router
				.handle(req, res, new URL(req.url!, 'http://localhost'), logged.log)
				.then((handled) => {
					if (!handled) sendJson(res, 404, {});
				});
		});
		await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((resolve) => bare.close(() => resolve())));

	it('answers 500 JSON without detail when it throws synchronously, and logs the error', async () => {
		const response = await fetch(`${url}/api/throws`);
		expect(response.status).toBe(500);
		expect(await response.json()).toEqual({
			error: { code: 'internal', message: 'Something went wrong on the server. Try again.' }
		});
		expect(bare.listening).toBe(true);
		expect(errorsLogged().at(-1)).toMatchObject({
			msg: 'unhandled error in an API handler',
			err: { type: 'TypeError', message: 'a bug in a handler' }
		});
	});
});
