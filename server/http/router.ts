/**
 * A small router for the JSON API: routes are a method and a path with `:params`, handlers take a
 * request and return a response value. Bodies are read only on demand, bounded in size, and
 * validated with a zod schema; state-changing requests must come from an allowed origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { HttpError, invalidInput } from './errors';
import { checkRequestOrigin, type OriginPolicy } from './origin';
import { decodePathSegment } from './request-target';

export interface ApiRequest {
	method: string;
	url: URL;
	params: Record<string, string>;
	raw: IncomingMessage;
	/** The client's address, for rate limits (the socket's, unless a trusted proxy says otherwise). */
	ip: string;
	header(name: string): string | undefined;
	/** Validates the query string; a 400 with field errors when it does not fit. */
	query<S extends z.ZodType>(schema: S): z.output<S>;
	/** Reads and validates the JSON body; a 400 with field errors when it does not fit. */
	json<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
	/** Reads the raw body as text, up to `limit` bytes. */
	text(limit: number): Promise<string>;
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

export type Handler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

export interface RouteOptions {
	/**
	 * Routes authenticated by something other than a cookie (an API key) may be called by servers,
	 * which send no Origin. Cookie-authenticated routes never set this.
	 */
	withoutOrigin?: boolean;
	/** Largest JSON body accepted, in bytes. @default 16384 */
	bodyLimit?: number;
}

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
	options: RouteOptions;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `application/json`, with parameters (`; charset=utf-8`) or none, and no other type. */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

export class Router {
	readonly #routes: Route[] = [];

	constructor(private readonly origins: OriginPolicy) {}

	add(method: string, path: string, handler: Handler, options: RouteOptions = {}): this {
		const keys: string[] = [];
		const source = path.replaceAll('.', '\\.').replace(/:([A-Za-z]+)/g, (_, key: string) => {
			keys.push(key);
			return '([^/]+)';
		});
		this.#routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler, options });
		return this;
	}

	/** Handles the request if a route matches its path; false when none does. */
	async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const candidates = this.#routes.filter((route) => route.pattern.test(url.pathname));
		if (candidates.length === 0) return false;
		const route = candidates.find((candidate) => candidate.method === req.method);
		try {
			if (!route) {
				throw new HttpError(
					405,
					'method-not-allowed',
					`${req.method} is not allowed here.`,
					undefined,
					{
						Allow: candidates.map((candidate) => candidate.method).join(', ')
					}
				);
			}
			if (STATE_CHANGING.has(route.method) && !route.options.withoutOrigin)
				checkRequestOrigin(req, this.origins);
			const params = pathParameters(route, url.pathname);
			const response = await route.handler(makeRequest(req, res, url, params, route.options));
			if (response.file) sendFile(res, response.status ?? 200, response.file, response.headers);
			else sendJson(res, response.status ?? 200, response.body, response.headers);
		} catch (error) {
			sendError(res, error);
		}
		return true;
	}
}

/** The route's `:params` in the path, decoded; a 400 when one's percent-encoding is broken. */
function pathParameters(route: Route, pathname: string): Record<string, string> {
	const match = route.pattern.exec(pathname)!;
	return Object.fromEntries(
		route.keys.map((key, index) => {
			const value = decodePathSegment(match[index + 1]!);
			if (value === null) {
				throw new HttpError(
					400,
					'bad-path-parameter',
					`The ${key} in the path is not valid percent-encoding.`
				);
			}
			return [key, value];
		})
	);
}

function makeRequest(
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	params: Record<string, string>,
	options: RouteOptions
): ApiRequest {
	const bytes = (limit: number) => readBody(req, res, limit);
	const text = async (limit: number) => Buffer.from(await bytes(limit)).toString('utf8');
	return {
		method: req.method ?? 'GET',
		url,
		params,
		raw: req,
		ip: req.socket.remoteAddress ?? 'unknown',
		header: (name) => {
			const value = req.headers[name.toLowerCase()];
			return Array.isArray(value) ? value[0] : value;
		},
		text,
		bytes,
		query(schema) {
			const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
			if (!parsed.success) throw invalidInput(parsed.error);
			return parsed.data;
		},
		async json(schema) {
			if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
				throw new HttpError(415, 'unsupported-media-type', 'Send the body as application/json.');
			}
			let value: unknown;
			try {
				value = JSON.parse(await text(options.bodyLimit ?? 16_384));
			} catch (error) {
				if (error instanceof HttpError) throw error;
				throw new HttpError(400, 'invalid-json', 'The body is not valid JSON.');
			}
			const parsed = schema.safeParse(value);
			if (!parsed.success) throw invalidInput(parsed.error);
			return parsed.data;
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
	return new HttpError(
		413,
		'body-too-large',
		`The request is larger than ${formatSize(limit)}, the most this endpoint accepts.`
	);
}

/**
 * The body, up to `limit` bytes: refused at once when its declared length is over the limit, and
 * counted as it arrives otherwise (a chunked body declares none). A refused body's connection is
 * closed once the answer is sent, so that the rest is neither buffered nor waited for (a chunked
 * body may have no end). A body cut short by the client is the client's mistake (400).
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Uint8Array> {
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
			reject(
				new HttpError(400, 'incomplete-body', 'The request body ended before it was complete.')
			)
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

function sendError(res: ServerResponse, error: unknown): void {
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
	console.error('Unhandled error in an API handler:', error);
	sendJson(res, 500, {
		error: { code: 'internal', message: 'Something went wrong on the server. Try again.' }
	});
}
