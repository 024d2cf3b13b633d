/**
 * An HTTP client for API tests that behaves like the console in a browser: it keeps the cookies
 * the server sets, sends them back, and says where it comes from (Origin), as a browser does on
 * every POST. Give `origin: null` to send no Origin, or another origin to act as another site.
 */
import type { TestServer } from './server';

export interface ApiResult {
	status: number;
	// The body as JSON; tests assert on its shape.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	headers: Headers;
}

export interface ClientOptions {
	/** @default the server's own origin */
	origin?: string | null;
	userAgent?: string;
	/** Where requests go. @default the server's URL (its public URL, when one is configured) */
	baseUrl?: string;
}

export class TestClient {
	readonly cookies = new Map<string, string>();
	readonly #server: TestServer;
	readonly #options: ClientOptions;

	constructor(server: TestServer, options: ClientOptions = {}) {
		this.#server = server;
		this.#options = options;
	}

	get(path: string, headers: Record<string, string> = {}): Promise<ApiResult> {
		return this.request('GET', path, undefined, headers);
	}

	post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult> {
		return this.request('POST', path, body, headers);
	}

	patch(path: string, body?: unknown): Promise<ApiResult> {
		return this.request('PATCH', path, body);
	}

	delete(path: string): Promise<ApiResult> {
		return this.request('DELETE', path);
	}

	async request(
		method: string,
		path: string,
		body?: unknown,
		extraHeaders: Record<string, string> = {}
	): Promise<ApiResult> {
		const headers: Record<string, string> = {
			'User-Agent': this.#options.userAgent ?? 'console-tests',
			...extraHeaders
		};
		const origin = this.#options.origin === undefined ? this.#server.origin : this.#options.origin;
		if (origin !== null) headers.Origin = origin;
		if (this.cookies.size > 0) {
			headers.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
		}
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		const response = await fetch(`${this.#options.baseUrl ?? this.#server.url}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
		});
		this.#keepCookies(response.headers.getSetCookie());
		const text = await response.text();
		return {
			status: response.status,
			body: text ? JSON.parse(text) : null,
			headers: response.headers
		};
	}

	#keepCookies(setCookies: string[]): void {
		for (const header of setCookies) {
			const [pair, ...attributes] = header.split(';');
			const index = pair!.indexOf('=');
			const name = pair!.slice(0, index).trim();
			const cleared = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
			if (cleared) this.cookies.delete(name);
			else this.cookies.set(name, pair!.slice(index + 1).trim());
		}
	}
}
