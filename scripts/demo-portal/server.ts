/**
 * A small portal of the demo consortium, on an origin of its own, embedding Project Users with
 * the widget as a real portal would:
 * - its page loads `<console>/embed/widget.js` and places `<membership-widget>`;
 * - its "backend" (`POST /ticket`) knows who is signed in to the portal (its own cookie, set when
 *   the page is opened: this demo signs everyone in as one person), holds the API key, and asks
 *   the console for a ticket for that person, which it hands to the element; or passes on the
 *   console's `consent-required`, on which the widget asks the person to allow the portal.
 * Used by `npm run demo:portal` and by the end-to-end tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONSENT_REQUIRED, TicketRequestSchema } from '../../src/lib/shared';
import { renderPortalPage } from './page';

export interface PortalCredentials {
	portalId: string;
	apiKey: string;
}

export interface DemoPortalOptions {
	/** Where the console runs, e.g. http://localhost:3000. */
	consoleUrl: string;
	projectId: string;
	/** The person signed in to the portal, as the portal's own sign-in would say. */
	user: { name: string; email: string };
	portalName: string;
	host?: string;
	port?: number;
	/** The origin people open the portal at. @default http://localhost:<port> */
	publicOrigin?: (port: number) => string;
	/** The portal's id and API key for its origin, once the server knows its port. */
	credentials: (origin: string) => PortalCredentials | Promise<PortalCredentials>;
}

export interface DemoPortal {
	origin: string;
	credentials: PortalCredentials;
	close(): Promise<void>;
}

const SESSION_COOKIE = 'portal_session';

export async function startDemoPortal(options: DemoPortalOptions): Promise<DemoPortal> {
	let origin = '';
	let credentials: PortalCredentials | null = null;
	// The portal's own sessions: a random id in a first-party cookie, names the signed-in person.
	const sessions = new Set<string>();

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', origin);
		if (req.method === 'GET' && url.pathname === '/') {
			const session = crypto.randomUUID();
			sessions.add(session);
			res.writeHead(200, {
				'Content-Type': 'text/html; charset=utf-8',
				'Cache-Control': 'no-store',
				'Set-Cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Lax; Path=/`
			});
			res.end(
				renderPortalPage({
					consoleUrl: options.consoleUrl,
					portalName: options.portalName,
					portalId: credentials!.portalId,
					projectId: options.projectId,
					userName: options.user.name
				})
			);
			return;
		}
		if (req.method === 'POST' && url.pathname === '/ticket') {
			void issueTicket(req, res).catch(() =>
				reply(res, 502, { error: { message: 'The console could not be reached.' } })
			);
			return;
		}
		res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
	});

	async function issueTicket(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// The portal's own defences: its page, its signed-in person.
		if (req.headers.origin !== origin)
			return reply(res, 403, { error: { message: 'Cross-site request.' } });
		const session = /(?:^|;\s*)portal_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
		if (!session || !sessions.has(session))
			return reply(res, 401, { error: { message: 'Sign in to the portal first.' } });
		const body = parseJson(await readBody(req)) as { projectId?: unknown } | null;
		const request = TicketRequestSchema.safeParse({
			email: options.user.email,
			projectId: body?.projectId
		});
		if (!request.success) return reply(res, 400, { error: { message: 'Which project?' } });
		const answer = await fetch(`${options.consoleUrl}/api/embed/tickets`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${credentials!.apiKey}`,
				'Content-Type': 'application/json'
			},
			body: JSON.stringify(request.data)
		});
		const answered = (await answer.json()) as { error?: { code?: string; message?: string } };
		if (answer.status === 201) return reply(res, 200, answered);
		// The person may read why they are not a member, and the widget asks for their consent; the
		// portal's own problems are for its logs.
		const code = answered.error?.code;
		if (code === 'not-a-member' || code === CONSENT_REQUIRED) return reply(res, 403, answered);
		console.error(
			`The console refused a ticket: ${answer.status} ${answered.error?.message ?? ''}`
		);
		reply(res, 502, {
			error: { message: 'The portal cannot show Project Users right now. Tell its administrators.' }
		});
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	origin = options.publicOrigin?.(port) ?? `http://localhost:${port}`;
	credentials = await options.credentials(origin);
	return {
		origin,
		credentials,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

function reply(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
	res.end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let body = '';
		req.on('data', (chunk: Buffer) => {
			body += chunk.toString();
			if (body.length > 4096) req.destroy();
		});
		req.on('end', () => resolve(body));
		req.on('error', reject);
	});
}
