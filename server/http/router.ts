/**
 * A small router for the JSON API, driven by the API contract (src/lib/shared/api-contract.ts):
 * each route is registered from its contract entry, which gives its method, path, parameters,
 * body and answer. Path parameters are checked before the handler runs; the body is read only
 * when the handler asks for it (after its sign-in and rate-limit checks, so that a stranger learns
 * nothing from a 400 and an over-limit client spends no parsing), bounded in size, and validated
 * against the contract's schema. State-changing requests must come from an allowed origin.
 *
 * Answers are checked against the contract too, in every environment: an answer that does not
 * fit is a bug, which is logged and answered as a 500 `internal`, so that no unchecked shape
 * leaks to a client (and a test that meets it fails). So is an error whose code the route's
 * contract does not list, outside production (NODE_ENV=production only logs it: there a
 * meaningful refusal beats a 500).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
	ROUTER_ERROR_CODES,
	paramsSchema,
	type RouteContract,
	type RouteParams
} from '../../src/lib/shared/api-contract';
import { REASON_CODES } from '../../src/lib/shared/policy/decision';
import { issueLines } from '../../src/lib/shared/zod-issues';
import { fail } from '../../src/lib/shared/outcome';
import type { Log } from '../observability/log';
import { HttpError } from './errors';
import { httpErrorOf, invalidInput } from './failure-status';
import { checkRequestOrigin, type OriginPolicy } from './origin';
import { decodePathSegment } from './request-target';

type JsonBodyOf<R extends RouteContract> = R['body'] extends {
	type: 'json';
	schema: infer S extends z.ZodType;
}
	? z.output<S>
	: unknown;

type QueryOf<R extends RouteContract> = R['query'] extends z.ZodType
	? z.output<R['query']>
	: unknown;

export interface ApiRequest<R extends RouteContract = RouteContract> {
	method: string;
	url: URL;
	params: RouteParams<R>;
	raw: IncomingMessage;
	/** The client's address, for rate limits (the socket's, unless a trusted proxy says otherwise). */
	ip: string;
	/** The request's log: its lines carry the request id. */
	log: Log;
	header(name: string): string | undefined;
	/** The query string, validated against the contract; a 400 with field errors when it does not fit. */
	query(): QueryOf<R>;
	/** Reads the JSON body and validates it against the contract; a 400 with field errors when it does not fit. */
	json(): Promise<JsonBodyOf<R>>;
	/** Reads the raw body as bytes, up to `limit` bytes (413 beyond), for bodies that are not JSON. */
	bytes(limit: number): Promise<Uint8Array>;
}

export interface ApiResponse {
	status?: number;
	body?: unknown;
	headers?: Record<string, string | string[]>;
	/** A body sent as it is instead of JSON (a CSV download), with its Content-Type. */
	file?: { contentType: string; content: string };
}

export type Handler<R extends RouteContract = RouteContract> = (
	request: ApiRequest<R>
) => ApiResponse | Promise<ApiResponse>;

interface Route {
	contract: RouteContract;
	/** The error codes the route may answer with: its contract's, the router's, the policy's. */
	errorCodes: ReadonlySet<string>;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `application/json`, with parameters (`; charset=utf-8`) or none, and no other type. */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** The largest JSON body accepted, in bytes (docs/api.md, Conventions). */
const JSON_BODY_LIMIT = 16_384;

export class Router {
	readonly #routes: Route[] = [];

	constructor(private readonly origins: OriginPolicy) {}

	/** Registers the handler of a route of the contract; each route once. */
	add<R extends RouteContract>(contract: R, handler: Handler<R>): this {
		if (this.#routes.some((route) => route.contract === contract))
			throw new Error(`${contract.method} ${contract.path} is registered twice`);
		const keys: string[] = [];
		const source = contract.path
			.replaceAll('.', '\\.')
			.replace(/:([A-Za-z]+)/g, (_, key: string) => {
				keys.push(key);
				return '([^/]+)';
			});
		this.#routes.push({
			contract,
			errorCodes: new Set([
				...ROUTER_ERROR_CODES,
				...contract.errors,
				...(contract.policyDenials ? REASON_CODES : [])
			]),
			pattern: new RegExp(`^${source}$`),
			keys,
			handler: handler as unknown as Handler
		});
		return this;
	}

	/** The contracts of the routes registered, in the order they were. */
	get contracts(): RouteContract[] {
		return this.#routes.map((route) => route.contract);
	}

	/**
	 * Handles the request if a route matches its path; false when none does. `log` is the
	 * request's own (its lines carry its id).
	 */
	async handle(req: IncomingMessage, res: ServerResponse, url: URL, log: Log): Promise<boolean> {
		const candidates = this.#routes.filter((route) => route.pattern.test(url.pathname));
		if (candidates.length === 0) return false;
		const route = candidates.find((candidate) => candidate.contract.method === req.method);
		try {
			if (!route) {
				throw httpErrorOf(fail('method-not-allowed', `${req.method} is not allowed here.`), {
					Allow: candidates.map((candidate) => candidate.contract.method).join(', ')
				});
			}
			const { contract } = route;
			if (STATE_CHANGING.has(contract.method) && !contract.withoutOrigin)
				checkRequestOrigin(req, this.origins);
			const params = pathParameters(route, url.pathname);
			const response = await route.handler(makeRequest(req, res, url, params, contract, log));
			checkAnswer(contract, response);
			if (response.file) sendFile(res, response.status ?? 200, response.file, response.headers);
			else sendJson(res, response.status ?? 200, response.body, response.headers);
		} catch (error) {
			sendError(res, route ? checkErrorCode(route, error, log) : error, log);
		}
		return true;
	}
}

const ERROR_CODES_ENFORCED = process.env.NODE_ENV !== 'production';

/** The error to send: the one thrown, or, for a code the contract does not list, a bug of ours. */
function checkErrorCode(route: Route, error: unknown, log: Log): unknown {
	if (!(error instanceof HttpError) || route.errorCodes.has(error.code)) return error;
	const bug = new AnswerOutsideContract(
		route.contract,
		`the error ${error.code}, which its contract does not list`
	);
	if (ERROR_CODES_ENFORCED) return bug;
	log.error({ err: bug }, bug.message);
	return error;
}

/** A bug of ours: the handler answered with something its contract does not promise. */
class AnswerOutsideContract extends Error {
	constructor(contract: RouteContract, problem: string) {
		super(`${contract.method} ${contract.path} answered outside its contract: ${problem}`);
		this.name = 'AnswerOutsideContract';
	}
}

function checkAnswer(contract: RouteContract, response: ApiResponse): void {
	const { answer } = contract;
	const status = response.status ?? 200;
	if (status !== answer.status)
		throw new AnswerOutsideContract(contract, `status ${status}, not ${answer.status}`);
	if (answer.type === 'csv') {
		if (!response.file?.contentType.startsWith('text/csv'))
			throw new AnswerOutsideContract(contract, 'no text/csv file');
		return;
	}
	if (response.file) throw new AnswerOutsideContract(contract, 'a file, not JSON');
	if (answer.type === 'none') {
		if (response.body !== undefined) throw new AnswerOutsideContract(contract, 'a body');
		return;
	}
	const checked = answer.schema.safeParse(response.body);
	if (!checked.success) {
		const where = issueLines(checked.error).map(({ path }) => path || '(body)');
		throw new AnswerOutsideContract(contract, `the body does not fit at ${where.join(', ')}`);
	}
}

/** The route's `:params` in the path, decoded; a 400 when one's percent-encoding is broken. */
function pathParameters(route: Route, pathname: string): Record<string, string> {
	const match = route.pattern.exec(pathname)!;
	const decoded = Object.fromEntries(
		route.keys.map((key, index) => {
			const value = decodePathSegment(match[index + 1]!);
			if (value === null) {
				throw httpErrorOf(
					fail('bad-path-parameter', `The ${key} in the path is not valid percent-encoding.`)
				);
			}
			return [key, value];
		})
	);
	const parsed = paramsSchema(route.contract).safeParse(decoded);
	if (!parsed.success) throw invalidInput(parsed.error);
	return parsed.data;
}

function makeRequest(
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	params: Record<string, string>,
	contract: RouteContract,
	log: Log
): ApiRequest {
	const bytes = (limit: number) => readBody(req, res, limit);
	return {
		method: req.method ?? 'GET',
		url,
		params,
		raw: req,
		ip: req.socket.remoteAddress ?? 'unknown',
		log,
		header: (name) => {
			const value = req.headers[name.toLowerCase()];
			return Array.isArray(value) ? value[0] : value;
		},
		bytes,
		query() {
			if (!contract.query) throw new Error(`${contract.path} reads no query in its contract`);
			const parsed = contract.query.safeParse(Object.fromEntries(url.searchParams));
			if (!parsed.success) throw invalidInput(parsed.error);
			return parsed.data as never;
		},
		async json() {
			if (contract.body?.type !== 'json')
				throw new Error(`${contract.path} takes no JSON body in its contract`);
			if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
				throw httpErrorOf(fail('unsupported-media-type', 'Send the body as application/json.'));
			}
			let value: unknown;
			try {
				const body = await bytes(JSON_BODY_LIMIT);
				value = JSON.parse(Buffer.from(body).toString('utf8'));
			} catch (error) {
				if (error instanceof HttpError) throw error;
				throw httpErrorOf(fail('invalid-json', 'The body is not valid JSON.'));
			}
			const parsed = contract.body.schema.safeParse(value);
			if (!parsed.success) throw invalidInput(parsed.error);
			return parsed.data as never;
		}
	};
}

/** Sizes as people read them: "2 MiB", "16 KiB", "500 bytes". */
export function formatSize(bytes: number): string {
	if (bytes >= 1_048_576 && bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
	if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
	return `${bytes} bytes`;
}

function tooLarge(limit: number): HttpError {
	return httpErrorOf(
		fail(
			'body-too-large',
			`The request is larger than ${formatSize(limit)}, the most this endpoint accepts.`
		)
	);
}

/**
 * The body, up to `limit` bytes: refused at once when its declared length is over the limit, and
 * counted as it arrives otherwise (a chunked body declares none). A refused body's connection is
 * closed once the answer is sent, so that the rest is neither buffered nor waited for (a chunked
 * body may have no end). A body cut short by the client is the client's mistake (400).
 */
export function readBody(
	req: IncomingMessage,
	res: ServerResponse,
	limit: number
): Promise<Uint8Array> {
	const refuse = (reject: (error: HttpError) => void) => {
		if (!res.headersSent) res.setHeader('Connection', 'close');
		reject(tooLarge(limit));
	};
	return new Promise((resolve, reject) => {
		if (Number(req.headers['content-length'] ?? 0) > limit) {
			refuse(reject);
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		const keep = (chunk: Buffer) => {
			size += chunk.length;
			if (size <= limit) {
				chunks.push(chunk);
				return;
			}
			req.off('data', keep);
			chunks.length = 0;
			refuse(reject);
		};
		req.on('data', keep);
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', () =>
			reject(httpErrorOf(fail('incomplete-body', 'The request body ended before it was complete.')))
		);
	});
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string | string[]> = {}
): void {
	if (res.headersSent) return;
	const payload = body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store',
		...headers
	});
	res.end(payload);
}

function sendFile(
	res: ServerResponse,
	status: number,
	file: NonNullable<ApiResponse['file']>,
	headers: Record<string, string | string[]> = {}
): void {
	res.writeHead(status, {
		'Content-Type': file.contentType,
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		...headers
	});
	res.end(file.content);
}

function sendError(res: ServerResponse, error: unknown, log: Log): void {
	if (error instanceof HttpError) {
		sendJson(
			res,
			error.status,
			{
				error: {
					code: error.code,
					message: error.message,
					...(error.fields ? { fields: error.fields } : {}),
					...error.details
				}
			},
			error.headers
		);
		return;
	}
	log.error({ err: error }, 'unhandled error in an API handler');
	sendJson(res, 500, {
		error: { code: 'internal', message: 'Something went wrong on the server. Try again.' }
	});
}
