/**
 * Embedding fixtures: a registered portal, a person's grant to it (as if they had allowed it in
 * the consent window), tickets asked for as a portal's server would (no Origin, the API key as a
 * bearer token), exchanged as the iframe would (from the console's own origin), and sync sockets
 * that carry an embedded token as a URL parameter.
 */
import WebSocket from 'ws';
import type { RegisterPortalRequest } from '../../src/lib/shared';
import { findProjectRecord } from '../../server/consortium/store';
import { allowPortal } from '../../server/embed/grants';
import { registerPortal } from '../../server/embed/portals';
import type { TestServer } from './server';

export interface TestPortal {
	id: string;
	apiKey: string;
	consortiumId: string;
}

export function registerTestPortal(
	server: Pick<TestServer, 'app'>,
	input: Partial<RegisterPortalRequest> = {},
	projectId = 'p1'
): TestPortal {
	const consortiumId = findProjectRecord(server.app.db, projectId)!.consortiumId;
	const { portal, apiKey } = registerPortal(
		server.app.authDb,
		consortiumId,
		{
			name: 'Library Portal',
			origins: ['https://portal.example.org'],
			projectIds: [projectId],
			...input
		},
		null
	);
	return { id: portal.id, apiKey, consortiumId };
}

/** The person allows the portal to act for them in these projects (the consent window's Allow). */
export function grantPortal(
	server: Pick<TestServer, 'app'>,
	portal: Pick<TestPortal, 'id'>,
	accountId: string,
	projectIds = ['p1']
): void {
	allowPortal(server.app.authDb, accountId, portal.id, projectIds);
}

export interface Answer {
	status: number;
	// The body as JSON; tests assert on its shape.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
	const text = await response.text();
	return {
		status: response.status,
		body: text ? JSON.parse(text) : null,
		headers: response.headers
	};
}

/** `POST /api/embed/tickets` as a portal's server sends it. */
export async function requestTicket(
	server: Pick<TestServer, 'url'>,
	apiKey: string,
	body: unknown,
	headers: Record<string, string> = {}
): Promise<Answer> {
	return answer(
		await fetch(`${server.url}/api/embed/tickets`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${apiKey}`,
				'Content-Type': 'application/json',
				...headers
			},
			body: JSON.stringify(body)
		})
	);
}

/** `POST /api/embed/session` as the iframe sends it (from the console's origin). */
export async function exchangeTicket(
	server: Pick<TestServer, 'url' | 'origin'>,
	body: { ticket: string; portalId: string; projectId: string }
): Promise<Answer> {
	return answer(
		await fetch(`${server.url}/api/embed/session`, {
			method: 'POST',
			headers: { Origin: server.origin, 'Content-Type': 'application/json' },
			body: JSON.stringify(body)
		})
	);
}

/** A ticket for the person, exchanged: the embedded session's token. */
export async function embeddedToken(
	server: Pick<TestServer, 'url' | 'origin'>,
	portal: TestPortal,
	email: string,
	projectId = 'p1'
): Promise<string> {
	const ticket = await requestTicket(server, portal.apiKey, { email, projectId });
	if (ticket.status !== 201) throw new Error(`Ticket request answered ${ticket.status}`);
	const session = await exchangeTicket(server, {
		ticket: ticket.body.ticket,
		portalId: portal.id,
		projectId
	});
	if (session.status !== 200) throw new Error(`Exchange answered ${session.status}`);
	return session.body.token as string;
}

export interface TokenSocket {
	ws: WebSocket;
	/** The close code, or the HTTP status when the upgrade was refused. */
	closed: Promise<number>;
	opened: Promise<void>;
}

/** A WebSocket to the sync endpoint with `params` in its URL, as the embedded iframe opens it. */
export function tokenSocket(
	server: Pick<TestServer, 'url' | 'origin'>,
	documentName: string,
	params: Record<string, string>,
	origin = server.origin
): TokenSocket {
	const query = new URLSearchParams(params);
	const ws = new WebSocket(
		`${server.url.replace(/^http/, 'ws')}/sync/${encodeURIComponent(documentName)}?${query}`,
		{ origin }
	);
	const closed = new Promise<number>((resolve) => {
		ws.on('close', (code) => resolve(code));
		ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
	});
	ws.on('error', () => undefined);
	const opened = new Promise<void>((resolve) => ws.on('open', () => resolve()));
	return { ws, closed, opened };
}
