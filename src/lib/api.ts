/**
 * The console's calls to its JSON API, through the contract (`API` in src/lib/shared): one `call`
 * whose parameters, body and answer are typed from the route's schemas. Same-origin requests with
 * the session cookie; the embedded widget, which has no cookie, passes its in-memory token instead
 * (`{ bearer }`), and then no cookie is sent at all. Expected failures are values, never
 * exceptions: `{ ok: false, code, message, fields?, data? }`, where the server's errors arrive as
 * `{ error: { code, message, fields?, data? } }` and anything else (no network, a page where JSON
 * was expected) gets a code of its own. What a person reads for a failure is worded in
 * failure-wording.ts.
 */
import {
	fillPath,
	type CsvProblem,
	type RouteBody,
	type RouteContract,
	type RouteParams,
	type RouteQuery,
	type RouteResponse
} from './shared';

export interface ApiFailure {
	ok: false;
	/** The HTTP status, or 0 when the server could not be reached. */
	status: number;
	code: string;
	/** The server's own wording, for codes the console does not word itself. */
	message: string;
	/** Messages per field name, for the form to show beside each field. */
	fields?: Record<string, string[]>;
	/** The error's facts, such as `retryAfterSeconds` of a 429. */
	data?: Record<string, unknown>;
	/** From the error's data or `Retry-After` on 429: how long to wait before trying again. */
	retryAfterSeconds?: number;
	/** What is wrong with a file sent, by row and column (`invalid-csv`, `bulk-invite-refused`). */
	problems?: CsvProblem[];
}

export type ApiResult<T> = { ok: true; data: T } | ApiFailure;

/**
 * What a call sends: the path's parameters and the JSON body when the route has them (or the file,
 * for a route whose body is one), the query, and how it is authenticated: by default the session
 * cookie; with `bearer` (the embedded widget) never by a cookie, and by that token when there is one.
 */
export type CallInput<R extends RouteContract> = (keyof RouteParams<R> extends never
	? { params?: undefined }
	: { params: RouteParams<R> }) &
	(RouteBody<R> extends undefined ? { body?: undefined } : { body: RouteBody<R> }) &
	(R['body'] extends { type: 'file' } ? { file: Blob | string } : { file?: undefined }) & {
		query?: RouteQuery<R> extends undefined ? undefined : Partial<RouteQuery<R>>;
		bearer?: string | null;
	};

type CallArguments<R extends RouteContract> =
	object extends CallInput<R> ? [input?: CallInput<R>] : [input: CallInput<R>];

/** Calls a route of the contract; its answer, or the failure as a value. */
export async function call<R extends RouteContract>(
	route: R,
	...[input]: CallArguments<R>
): Promise<ApiResult<RouteResponse<R>>> {
	const { body, bearer, file } = (input ?? {}) as {
		body?: unknown;
		bearer?: string | null;
		file?: Blob | string;
	};
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (file !== undefined && route.body?.type === 'file')
		headers['Content-Type'] = route.body.contentType;
	if (bearer) headers.Authorization = `Bearer ${bearer}`;
	let response: Response;
	try {
		response = await fetch(routeUrl(route, input as CallInput<R> | undefined), {
			method: route.method,
			credentials: input && 'bearer' in input ? 'omit' : 'same-origin',
			headers,
			body: file ?? (body === undefined ? undefined : JSON.stringify(body))
		});
	} catch {
		return failure(0, 'network');
	}
	const payload = await readJson(response);
	if (response.ok) {
		// 202 and 204 may come without a body; anything else must be JSON.
		if (payload === undefined && response.status !== 202 && response.status !== 204) {
			return failure(response.status, 'bad-response');
		}
		return { ok: true, data: payload as RouteResponse<R> };
	}
	return readFailure(response, payload);
}

/**
 * The route's URL with its parameters and query filled in (empty query values are left out):
 * for links to downloads, which the browser fetches itself.
 */
export function routeUrl<R extends RouteContract>(
	route: R,
	input?: { params?: RouteParams<R>; query?: Partial<RouteQuery<R>> }
): string {
	const path = fillPath(route.path, (input?.params ?? {}) as Record<string, string>);
	const query = new URLSearchParams();
	for (const [name, value] of Object.entries((input?.query ?? {}) as Record<string, unknown>)) {
		if (value !== undefined && value !== '') query.set(name, String(value));
	}
	const search = query.toString();
	return search ? `${path}?${search}` : path;
}

async function readJson(response: Response): Promise<unknown> {
	if (!response.headers.get('Content-Type')?.includes('application/json')) return undefined;
	try {
		return await response.json();
	} catch {
		return undefined;
	}
}

function readFailure(response: Response, payload: unknown): ApiFailure {
	const error = (payload as { error?: Partial<ApiFailure> } | undefined)?.error;
	const fromHeader = retryAfterSeconds(response.headers.get('Retry-After'));
	if (error && typeof error.code === 'string' && typeof error.message === 'string') {
		const data = isRecord(error.data) ? error.data : undefined;
		const wait = typeof data?.retryAfterSeconds === 'number' ? data.retryAfterSeconds : fromHeader;
		return {
			...failure(response.status, error.code, error.message, wait),
			...(error.fields ? { fields: error.fields } : {}),
			...(Array.isArray(error.problems) ? { problems: error.problems } : {}),
			...(data ? { data } : {})
		};
	}
	if (response.status === 429) return failure(429, 'rate-limited', undefined, fromHeader);
	const message = OWN_MESSAGES[response.status >= 500 ? 'server-error' : 'refused'];
	return failure(response.status, `http-${response.status}`, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function retryAfterSeconds(header: string | null): number | undefined {
	if (!header) return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Messages of the failures the console meets without a server's word for them. */
const OWN_MESSAGES: Record<string, string> = {
	network: 'The console could not reach its server. Check your connection and try again.',
	'bad-response': 'The server sent an answer the console does not understand.',
	'rate-limited': 'Too many attempts.',
	'server-error': 'Something went wrong on the server. Try again in a moment.',
	refused: 'The server refused the request.'
};

function failure(
	status: number,
	code: string,
	message = OWN_MESSAGES[code] ?? code,
	retryAfter?: number
): ApiFailure {
	return {
		ok: false,
		status,
		code,
		message,
		...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {})
	};
}
