/**
 * The SCIM service over HTTP (RFC 7644), under /scim/v2: Users (create, get, list with a filter and
 * paging, replace, patch, delete) and the three discovery documents. It is not a route of the API
 * contract: SCIM has its own media type (`application/scim+json`), its own error object
 * (`urn:ietf:params:scim:api:messages:2.0:Error`, with `scimType`) and attribute names compared
 * without regard to case, so it answers here, beside the router, with the router's body reader and
 * the rate limiter (docs/api.md, "SCIM provisioning").
 *
 * Every request needs a zone's token (`Authorization: Bearer scim_…`), and the zone is the token's:
 * one base URL for every zone, and no way to name another zone's people (their ids answer 404).
 * Requests without a valid token are counted per client address, the others per zone. Whatever a
 * client sends, the answer is a SCIM response: a malformed body, filter or path is a 4xx with its
 * `scimType`, never a 500 (an unexpected failure of ours is a 500 SCIM error, logged).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
	firstIssue,
	SCIM_BASE_PATH,
	SCIM_MEDIA_TYPE,
	SCIM_URN,
	ScimListQuerySchema,
	ScimPatchSchema,
	scimUserResource,
	ScimUserInputSchema,
	type ScimError,
	type ScimErrorType,
	type ScimFailureCode
} from '../../src/lib/shared';
import type { RateLimitRule } from '../auth/settings';
import { findZone } from '../consortium/store';
import { HttpError } from '../http/errors';
import type { RateLimiter } from '../http/rate-limit';
import { decodePathSegment } from '../http/request-target';
import { readBody } from '../http/router';
import type { Log } from '../observability/log';
import { listOfAll, serviceProviderConfig, userResourceType, userSchema } from './discovery';
import type { ScimLimits } from './limits';
import {
	createScimUser,
	deleteScimUser,
	getScimUser,
	listScimUserPage,
	patchScimUser,
	provisioningEnded,
	replaceScimUser,
	type ProvisioningDeps,
	type ProvisioningZone
} from './provisioning';
import { zoneOfScimToken } from './tokens';
import type { ScimUserRow } from './users';

export interface ScimServiceDeps extends ProvisioningDeps {
	/** Where the console is reached: resources' `location` is built from it. */
	site: { url: string };
	limits: ScimLimits;
	/** A rate limiter whose refusals are counted under its name (the auth routes' `limiter`). */
	limiter(name: string, rule: RateLimitRule): RateLimiter;
}

/** Whether the path is the SCIM service's. */
export function isScimPath(pathname: string): boolean {
	return pathname === SCIM_BASE_PATH || pathname.startsWith(`${SCIM_BASE_PATH}/`);
}

interface ScimAnswer {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/** A SCIM error response, thrown by the steps below and sent as it is. */
class ScimHttpError extends Error {
	constructor(
		readonly status: number,
		detail: string,
		readonly scimType?: ScimErrorType,
		readonly headers: Record<string, string> = {}
	) {
		super(detail);
	}

	get body(): ScimError {
		return {
			schemas: [SCIM_URN.error],
			status: String(this.status),
			...(this.scimType ? { scimType: this.scimType } : {}),
			detail: this.message
		};
	}
}

const FAILURE_STATUS: Record<ScimFailureCode, number> = {
	invalidFilter: 400,
	invalidSyntax: 400,
	invalidPath: 400,
	invalidValue: 400,
	noTarget: 400,
	mutability: 400,
	uniqueness: 409,
	'user-not-found': 404
};

function scimErrorOf(failure: { code: ScimFailureCode; message: string }): ScimHttpError {
	const scimType = failure.code === 'user-not-found' ? undefined : failure.code;
	return new ScimHttpError(FAILURE_STATUS[failure.code], failure.message, scimType);
}

function orThrow<T extends { ok: boolean }>(outcome: T): Extract<T, { ok: true }> {
	if (outcome.ok) return outcome as Extract<T, { ok: true }>;
	throw scimErrorOf(outcome as unknown as { code: ScimFailureCode; message: string });
}

/** `application/scim+json` or `application/json`, with parameters or none. */
const SCIM_BODY_TYPE = /^application\/(scim\+)?json\s*(;|$)/i;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Whether the URL carries a token: RFC 6750's `access_token`, or any parameter holding something
 * shaped like a SCIM token. Refused even beside a valid header, so that a provider configured to
 * put it there learns at its first request, not after its URLs filled somebody's logs.
 */
function carriesToken(url: URL): boolean {
	for (const [name, value] of url.searchParams)
		if (name.toLowerCase() === 'access_token' || /scim_[a-z2-7]{32}\./i.test(value)) return true;
	return false;
}

export function scimService(
	deps: ScimServiceDeps
): (req: IncomingMessage, res: ServerResponse, url: URL, log: Log) => void {
	const refusedPerIp = deps.limiter('scimRefusedPerIp', deps.limits.refusedPerIp);
	const perZone = deps.limiter('scimRequestsPerZone', deps.limits.requestsPerZone);
	const baseUrl = () => `${deps.site.url}${SCIM_BASE_PATH}`;
	const userLocation = (id: string) => `${baseUrl()}/Users/${encodeURIComponent(id)}`;
	const resource = (user: ScimUserRow) => scimUserResource(user, userLocation(user.id));

	/**
	 * The zone of the request's token; a 401 without a valid one (and a 429 past the limit), a 403
	 * when the zone's library has left the consortium.
	 */
	function authenticate(req: IncomingMessage, url: URL): ProvisioningZone {
		const ip = req.socket.remoteAddress ?? 'unknown';
		if (carriesToken(url)) {
			const counted = refusedPerIp.consume(ip);
			if (!counted.ok) throw tooMany(counted.retryAfterSeconds);
			throw new ScimHttpError(
				400,
				'Send the token in the Authorization header (Bearer), never in the URL: a URL is kept in the logs of every proxy it passes. Replace this token now.'
			);
		}
		const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
		const zoneId = token ? zoneOfScimToken(deps.auth.db, token, deps.auth.settings.now()) : null;
		const found = zoneId === null ? null : findZone(deps.auth.db, zoneId);
		if (found) {
			const ended = provisioningEnded(deps.auth.db, found);
			if (ended) throw new ScimHttpError(403, ended.message);
			return found;
		}
		const counted = refusedPerIp.consume(ip);
		if (!counted.ok) throw tooMany(counted.retryAfterSeconds);
		throw new ScimHttpError(
			401,
			token
				? 'The token is not valid: it was revoked, replaced by a newer one, or mistyped.'
				: 'Send the zone’s SCIM token: Authorization: Bearer scim_…',
			undefined,
			{ 'WWW-Authenticate': 'Bearer realm="SCIM"' }
		);
	}

	async function bodyOf<S extends z.ZodType>(
		req: IncomingMessage,
		res: ServerResponse,
		schema: S,
		valueType: ScimErrorType
	): Promise<z.output<S>> {
		if (!SCIM_BODY_TYPE.test(req.headers['content-type'] ?? ''))
			throw new ScimHttpError(415, `Send the body as ${SCIM_MEDIA_TYPE}.`, 'invalidSyntax');
		let value: unknown;
		try {
			value = JSON.parse(
				Buffer.from(await readBody(req, res, deps.limits.maxBodyBytes)).toString('utf8')
			);
		} catch (error) {
			if (error instanceof HttpError) throw fromHttpError(error);
			throw new ScimHttpError(400, 'The body is not valid JSON.', 'invalidSyntax');
		}
		const parsed = schema.safeParse(value);
		if (parsed.success) return parsed.data;
		const { path, message } = firstIssue(parsed.error);
		const structural = path === '' || path.startsWith('schemas') || path.startsWith('Operations');
		throw new ScimHttpError(
			400,
			path ? `${path}: ${message}.` : `${message}.`,
			structural ? 'invalidSyntax' : valueType
		);
	}

	async function route(
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
		at: ProvisioningZone
	): Promise<ScimAnswer> {
		const rest = url.pathname.slice(SCIM_BASE_PATH.length);
		const segments = rest.split('/').slice(1);
		const method = req.method ?? 'GET';
		const only = (allowed: string[]) => {
			if (!allowed.includes(method))
				throw new ScimHttpError(405, `${method} is not allowed here.`, undefined, {
					Allow: allowed.join(', ')
				});
		};
		const [collection, id, ...more] = segments;
		if (more.length > 0 || collection === undefined) throw unknownEndpoint();
		if (collection === 'Users' && id === undefined) {
			only(['GET', 'POST']);
			if (method === 'POST') {
				const input = await bodyOf(req, res, ScimUserInputSchema, 'invalidValue');
				const { user } = orThrow(createScimUser(deps, at, input));
				return { status: 201, body: resource(user), headers: { Location: userLocation(user.id) } };
			}
			return { status: 200, body: listPage(at, url) };
		}
		if (collection === 'Users') {
			only(['GET', 'PUT', 'PATCH', 'DELETE']);
			const userId = decodePathSegment(id!);
			if (!userId) throw scimErrorOf({ code: 'user-not-found', message: 'There is no such user.' });
			switch (method) {
				case 'GET':
					return { status: 200, body: resource(orThrow(getScimUser(deps, at, userId)).user) };
				case 'PUT': {
					const input = await bodyOf(req, res, ScimUserInputSchema, 'invalidValue');
					return {
						status: 200,
						body: resource(orThrow(replaceScimUser(deps, at, userId, input)).user)
					};
				}
				case 'PATCH': {
					const patch = await bodyOf(req, res, ScimPatchSchema, 'invalidSyntax');
					return {
						status: 200,
						body: resource(orThrow(patchScimUser(deps, at, userId, patch.Operations)).user)
					};
				}
				default:
					orThrow(deleteScimUser(deps, at, userId));
					return { status: 204 };
			}
		}
		only(['GET']);
		if (collection === 'ServiceProviderConfig' && id === undefined)
			return { status: 200, body: serviceProviderConfig(baseUrl()) };
		if (collection === 'ResourceTypes' && id === undefined)
			return { status: 200, body: listOfAll([userResourceType(baseUrl())]) };
		if (collection === 'ResourceTypes' && id === 'User')
			return { status: 200, body: userResourceType(baseUrl()) };
		if (collection === 'Schemas' && id === undefined)
			return { status: 200, body: listOfAll([userSchema(baseUrl())]) };
		if (collection === 'Schemas' && decodePathSegment(id!) === SCIM_URN.user)
			return { status: 200, body: userSchema(baseUrl()) };
		throw unknownEndpoint();
	}

	function listPage(at: ProvisioningZone, url: URL) {
		const query = ScimListQuerySchema.safeParse(Object.fromEntries(url.searchParams));
		if (!query.success) {
			const { path, message } = firstIssue(query.error);
			throw new ScimHttpError(400, `${path}: ${message}.`, 'invalidValue');
		}
		const { total, users } = orThrow(listScimUserPage(deps, at, query.data));
		return {
			schemas: [SCIM_URN.listResponse],
			totalResults: total,
			startIndex: query.data.startIndex,
			itemsPerPage: users.length,
			Resources: users.map(resource)
		};
	}

	return (req, res, url, log) => {
		const answer = async (): Promise<ScimAnswer> => {
			const at = authenticate(req, url);
			const counted = perZone.consume(at.zone.id);
			if (!counted.ok) throw tooMany(counted.retryAfterSeconds);
			return route(req, res, url, at);
		};
		answer()
			.catch((error: unknown): ScimAnswer => {
				if (error instanceof ScimHttpError)
					return { status: error.status, body: error.body, headers: error.headers };
				log.error({ err: error }, 'answering a SCIM request failed');
				const internal = new ScimHttpError(500, 'Something went wrong on the server. Try again.');
				return { status: 500, body: internal.body };
			})
			.then((sent) => send(res, sent))
			.catch((error: unknown) => log.error({ err: error }, 'sending a SCIM answer failed'));
	};
}

function send(res: ServerResponse, answer: ScimAnswer): void {
	if (res.headersSent) return;
	const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
	res.writeHead(answer.status, {
		...(answer.body === undefined ? {} : { 'Content-Type': `${SCIM_MEDIA_TYPE}; charset=utf-8` }),
		'Cache-Control': 'no-store',
		...answer.headers
	});
	res.end(payload);
}

/** The body reader's refusals (too large, cut short) as SCIM errors. */
function fromHttpError(error: HttpError): ScimHttpError {
	return error.code === 'body-too-large'
		? new ScimHttpError(413, error.message)
		: new ScimHttpError(400, error.message, 'invalidSyntax');
}

function tooMany(retryAfterSeconds: number): ScimHttpError {
	return new ScimHttpError(
		429,
		`Too many requests. Try again in ${retryAfterSeconds} seconds.`,
		undefined,
		{
			'Retry-After': String(retryAfterSeconds)
		}
	);
}

function unknownEndpoint(): ScimHttpError {
	return new ScimHttpError(
		404,
		'There is no such SCIM endpoint: the console serves /Users, /ServiceProviderConfig, /ResourceTypes and /Schemas.'
	);
}
