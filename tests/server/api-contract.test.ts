/**
 * The API contract and the server agree: every route the server registers is in the contract and
 * every route of the contract is registered, a body that breaks its schema is refused with the
 * field named, and an answer that breaks its schema, or an error its route does not list, never
 * reaches the client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { httpErrorOf } from '../../server/http/failure-status';
import { originPolicy } from '../../server/http/origin';
import { Router, sendJson } from '../../server/http/router';
import { API, type RouteContract } from '../../src/lib/shared/api-contract';
import { fail } from '../../src/lib/shared/outcome';
import { TestClient } from '../support/client';
import { captureLog, type CapturedLog } from '../support/log';
import { startServer, type TestServer } from '../support/server';

const CONTRACT: RouteContract[] = Object.values(API);

describe('the server and the API contract', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ developerRoutes: true });
	});
	afterAll(() => server.close());

	it('registers every route of the contract, once, and no route outside it', () => {
		const registered = server.app.routes;
		expect(registered).toHaveLength(new Set(registered).size);
		const name = (route: RouteContract) => `${route.method} ${route.path}`;
		expect(registered.map(name).sort()).toEqual(CONTRACT.map(name).sort());
	});

	/** The routes anyone may call with a JSON object body, with that body's field names. */
	const jsonBodyRoutes = CONTRACT.flatMap((route) =>
		route.caller === 'anyone' &&
		route.body?.type === 'json' &&
		route.body.schema instanceof z.ZodObject
			? [[`${route.method} ${route.path}`, route, Object.keys(route.body.schema.shape)] as const]
			: []
	);

	it('checks the body of every route anyone may call', () => {
		expect(jsonBodyRoutes.length).toBe(11);
	});

	it.each(jsonBodyRoutes)(
		'refuses %s with a body that breaks its schema, naming the fields',
		async (_, route, names) => {
			const client = new TestClient(server);
			const answer = await client.request(route.method, route.path, { unexpected: 1 });
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({ code: 'invalid-input' });
			const fields = Object.keys(answer.body.error.fields);
			expect(fields.length).toBeGreaterThan(0);
			for (const field of fields) expect(names).toContain(field);
		}
	);
});

describe('an answer outside the contract', () => {
	const promisesOk: RouteContract = {
		method: 'GET',
		path: '/api/things/:id',
		summary: 'Answers { ok: true }, says the contract.',
		caller: 'anyone',
		answer: { type: 'json', status: 200, schema: z.object({ ok: z.literal(true) }) },
		errors: ['portal-not-found']
	};
	let bare: Server;
	let url: string;
	let answer: { status?: number; body?: unknown } | (() => never) = {};
	let logged: CapturedLog;
	beforeEach(() => {
		logged = captureLog();
	});

	beforeAll(async () => {
		const router = new Router(originPolicy(() => []));
		router.add(promisesOk, () => (typeof answer === 'function' ? answer() : answer));
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

	it('is sent when it fits', async () => {
		answer = { body: { ok: true } };
		const response = await fetch(`${url}/api/things/1`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ ok: true });
	});

	it.each([
		['a body of another shape', { body: { ok: 'yes', secret: 'kept in' } }],
		['another status', { status: 201, body: { ok: true } }]
	])('is never sent with %s: the client gets a 500, the log gets the route', async (_, given) => {
		answer = given;
		const response = await fetch(`${url}/api/things/1`);
		expect(response.status).toBe(500);
		expect(await response.json()).toEqual({
			error: { code: 'internal', message: 'Something went wrong on the server. Try again.' }
		});
		const [entry] = logged.entries();
		expect(entry).toMatchObject({ level: 'error', msg: 'unhandled error in an API handler' });
		expect(JSON.stringify(entry)).toContain('GET /api/things/:id answered outside its contract');
	});

	it('refuses with an error its contract lists, with the status of its code', async () => {
		answer = () => {
			throw httpErrorOf(fail('portal-not-found', 'There is no such portal.'));
		};
		const response = await fetch(`${url}/api/things/1`);
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({
			error: { code: 'portal-not-found', message: 'There is no such portal.' }
		});
	});

	it.each([
		['a code of another route', 'grant-not-found' as const],
		['a policy denial, on a route whose contract has none', 'admin-only' as const]
	])(
		'never refuses with %s: outside production the client gets a 500, the log gets the code',
		async (_, code) => {
			answer = () => {
				throw httpErrorOf(fail(code, 'Not listed.'));
			};
			const response = await fetch(`${url}/api/things/1`);
			expect(response.status).toBe(500);
			expect((await response.json()).error.code).toBe('internal');
			expect(JSON.stringify(logged.entries())).toContain(
				`GET /api/things/:id answered outside its contract: the error ${code}`
			);
		}
	);
});
