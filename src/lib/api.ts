/**
 * The console's JSON API as the SPA calls it: accounts, sessions, invitations, portals and, in
 * development, the outbox. Same-origin requests with the session cookie; the embedded widget,
 * which has no cookie, passes its in-memory token instead (`{ bearer }`), and then no cookie is
 * sent at all. Expected failures are values, never exceptions: `{ ok: false, code, message,
 * fields? }`, where the server's errors arrive as `{ error: { code, message, fields? } }` and
 * anything else (no network, a page where JSON was expected) gets a code of its own.
 */
import type {
	AuditPage,
	ConsentInfo,
	Directory,
	GrantRequest,
	PortalGrant,
	PortalGrantList,
	NewRequest,
	OwnRequest,
	RequestableBoards,
	Roster,
	EmbedSession,
	EmbedSessionRequest,
	PortalList,
	PortalPublicInfo,
	RegisterPortalRequest,
	RegisteredPortal
} from './shared';

export interface Account {
	id: string;
	email: string;
	name: string;
	hasPassword: boolean;
}

/** Times are what the server sends: milliseconds since the epoch or an ISO string. */
export type ApiTime = number | string;

export interface SessionState {
	account: Account;
	session: { id: string; expiresAt: ApiTime };
}

export interface ActiveSession {
	id: string;
	createdAt: ApiTime;
	lastSeenAt: ApiTime;
	expiresAt: ApiTime;
	ip: string | null;
	userAgent: string | null;
	current: boolean;
	/** Opened by the widget embedded in a portal. */
	embedded?: boolean;
}

export interface InvitePreview {
	email: string;
	projectName: string;
	roleLabel: string;
	inviterName: string;
	accountExists: boolean;
}

export interface OutboxMessage {
	id: string;
	to: string;
	subject: string;
	text: string;
	html: string;
	createdAt: ApiTime;
	status: string;
}

export interface ApiFailure {
	ok: false;
	/** The HTTP status, or 0 when the server could not be reached. */
	status: number;
	code: string;
	message: string;
	/** Messages per field name, for the form to show beside each field. */
	fields?: Record<string, string[]>;
	/** From `Retry-After` on 429: how long to wait before trying again. */
	retryAfterSeconds?: number;
}

export type ApiResult<T> = { ok: true; data: T } | ApiFailure;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * How a request is authenticated: by default the session cookie; with `bearer` (the embedded
 * widget) never by a cookie, and by that token when there is one.
 */
export interface RequestAuth {
	bearer?: string | null;
}

async function request<T>(
	method: Method,
	path: string,
	body?: unknown,
	auth: RequestAuth = {}
): Promise<ApiResult<T>> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (auth.bearer) headers.Authorization = `Bearer ${auth.bearer}`;
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			credentials: 'bearer' in auth ? 'omit' : 'same-origin',
			headers,
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		return failure(
			0,
			'network',
			'The console could not reach its server. Check your connection and try again.'
		);
	}
	const payload = await readJson(response);
	if (response.ok) {
		// 202 and 204 may come without a body; anything else must be JSON.
		if (payload === undefined && response.status !== 202 && response.status !== 204) {
			return failure(
				response.status,
				'bad-response',
				'The server sent an answer the console does not understand.'
			);
		}
		return { ok: true, data: payload as T };
	}
	return readFailure(response, payload);
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
	const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
	if (error && typeof error.code === 'string' && typeof error.message === 'string') {
		return failure(response.status, error.code, error.message, error.fields, retryAfter);
	}
	if (response.status === 429) {
		return failure(429, 'rate-limited', 'Too many attempts.', undefined, retryAfter);
	}
	return failure(
		response.status,
		`http-${response.status}`,
		response.status >= 500
			? 'Something went wrong on the server. Try again in a moment.'
			: 'The server refused the request.'
	);
}

function retryAfterSeconds(header: string | null): number | undefined {
	if (!header) return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function failure(
	status: number,
	code: string,
	message: string,
	fields?: Record<string, string[]>,
	retryAfter?: number
): ApiFailure {
	return {
		ok: false,
		status,
		code,
		message,
		...(fields ? { fields } : {}),
		...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {})
	};
}

/** The failure's message, with how long to wait when the server asked for that. */
export function describeFailure(failure: ApiFailure): string {
	const wait = failure.retryAfterSeconds;
	if (wait === undefined) return failure.message;
	const minutes = Math.ceil(wait / 60);
	const when =
		wait < 60
			? `${wait} ${wait === 1 ? 'second' : 'seconds'}`
			: `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
	return `${failure.message} Try again in ${when}.`;
}

// Sign-in.

export const requestSignInLink = (email: string) =>
	request<{ ok: true }>('POST', '/api/auth/link', { email });

export const signInWithPassword = (email: string, password: string) =>
	request<{ account: Account }>('POST', '/api/auth/password', { email, password });

export const consumeSignInLink = (token: string) =>
	request<{ account: Account }>('POST', '/api/auth/link/consume', { token });

export const getSession = () => request<SessionState>('GET', '/api/auth/session');

/** Ends the session: the cookie's, or (embedded) the one whose token is given. */
export const signOut = (auth: RequestAuth = {}) =>
	request<void>('POST', '/api/auth/sign-out', undefined, auth);

// Password reset (also how a password is set or changed from Personal Settings).

export const requestPasswordReset = (email: string) =>
	request<{ ok: true }>('POST', '/api/auth/password-reset', { email });

export const confirmPasswordReset = (token: string, password: string) =>
	request<{ account: Account }>('POST', '/api/auth/password-reset/confirm', { token, password });

// The account.

export const updateAccountName = (name: string) =>
	request<{ account: Account }>('PATCH', '/api/account', { name });

export const requestEmailChange = (email: string) =>
	request<{ ok: true }>('POST', '/api/account/email', { email });

export const confirmEmailChange = (token: string) =>
	request<{ account?: Account }>('POST', '/api/account/email/confirm', { token });

export const listSessions = () =>
	request<{ sessions: ActiveSession[] }>('GET', '/api/account/sessions');

export const endSession = (id: string) =>
	request<void>('DELETE', `/api/account/sessions/${encodeURIComponent(id)}`);

export const endOtherSessions = () => request<void>('POST', '/api/account/sessions/end-others');

// Invitations.

export const previewInvite = (token: string) =>
	request<InvitePreview>('POST', '/api/invites/preview', { token });

export const acceptInvite = (input: { token: string; name?: string; password?: string }) =>
	request<{ account: Account; projectId: string }>('POST', '/api/invites/accept', input);

// Portals (the consortium's sites that embed Project Users).

const portalsPath = (consortiumId: string) =>
	`/api/consortia/${encodeURIComponent(consortiumId)}/portals`;

export const listPortals = (consortiumId: string) =>
	request<PortalList>('GET', portalsPath(consortiumId));

export const registerPortal = (consortiumId: string, input: RegisterPortalRequest) =>
	request<RegisteredPortal>('POST', portalsPath(consortiumId), input);

export const revokePortal = (consortiumId: string, portalId: string) =>
	request<void>('DELETE', `${portalsPath(consortiumId)}/${encodeURIComponent(portalId)}`);

// Consent to portals: the person's own, from a console session (the consent window, Personal
// Settings), never from the embedded widget.

export const getConsentInfo = (portalId: string) =>
	request<ConsentInfo>('GET', `/api/embed/portals/${encodeURIComponent(portalId)}/consent`);

export const allowPortal = (input: GrantRequest) =>
	request<PortalGrant>('POST', '/api/embed/grants', input);

export const listPortalGrants = () => request<PortalGrantList>('GET', '/api/embed/grants');

export const removePortalGrant = (portalId: string) =>
	request<void>('DELETE', `/api/embed/grants/${encodeURIComponent(portalId)}`);

// The embedded widget: no cookie, ever.

export const getPortalInfo = (portalId: string) =>
	request<PortalPublicInfo>(
		'GET',
		`/api/embed/portals/${encodeURIComponent(portalId)}`,
		undefined,
		{ bearer: null }
	);

export const exchangeTicket = (input: EmbedSessionRequest) =>
	request<EmbedSession>('POST', '/api/embed/session', input, { bearer: null });

// Development.

export const listOutbox = () => request<{ messages: OutboxMessage[] }>('GET', '/api/dev/outbox');

// Consortium workflows (docs/api.md): the directory, requests, the audit log, the roster.

const project = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;

export const getDirectory = () => request<Directory>('GET', '/api/directory');

export const listRequestableBoards = (projectId: string) =>
	request<RequestableBoards>('GET', `${project(projectId)}/boards`);

export const submitRequest = (projectId: string, body: NewRequest) =>
	request<{ request: OwnRequest }>('POST', `${project(projectId)}/requests`, body);

export const withdrawRequest = (projectId: string, requestId: string) =>
	request<void>('POST', `${project(projectId)}/requests/${encodeURIComponent(requestId)}/withdraw`);

/** The filters of the audit log as query parameters; empty ones are left out. */
export function auditQuery(filters: Record<string, string | number | undefined>): string {
	const params = new URLSearchParams();
	for (const [name, value] of Object.entries(filters)) {
		if (value !== undefined && value !== '') params.set(name, String(value));
	}
	const query = params.toString();
	return query ? `?${query}` : '';
}

export const getAuditPage = (projectId: string, query: string) =>
	request<AuditPage>('GET', `${project(projectId)}/audit${query}`);

export const auditCsvUrl = (projectId: string, query: string) =>
	`${project(projectId)}/audit.csv${query}`;

export const getRoster = (consortiumId: string) =>
	request<Roster>('GET', `/api/consortia/${encodeURIComponent(consortiumId)}/roster`);

export const rosterCsvUrl = (consortiumId: string) =>
	`/api/consortia/${encodeURIComponent(consortiumId)}/roster.csv`;
