/**
 * Headers every response carries (nosniff; HSTS when the console is reached over HTTPS), the
 * pages' Content-Security-Policy, and the developer outbox's refusal of other host names (DNS
 * rebinding). Whether the app still boots under the policy is checked in Chromium:
 * tests/e2e/content-security-policy.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, sendRaw } from '../support/raw-http';
import { startServer, type TestServer } from '../support/server';

/** The policy's directives by name, each with its sources. */
function directives(policy: string | null): Record<string, string[]> {
	return Object.fromEntries(
		(policy ?? '').split(';').map((directive) => {
			const [name = '', ...sources] = directive.trim().split(/\s+/);
			return [name, sources];
		})
	);
}

describe('over plain HTTP', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server.close());

	it('serves pages with a policy that allows the console and its bootstrap script only', async () => {
		const response = await fetch(`${server.url}/`);
		const policy = directives(response.headers.get('content-security-policy'));
		const page = readFileSync(join(server.app.config.staticDir, 'index.html'), 'utf8');
		const bootstrap = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
		const hash = createHash('sha256').update(bootstrap).digest('base64');

		expect(policy).toEqual({
			'default-src': ["'self'"],
			'script-src': ["'self'", `'sha256-${hash}'`],
			'style-src': ["'self'"],
			'style-src-attr': ["'unsafe-inline'"],
			'connect-src': ["'self'", server.origin.replace('http:', 'ws:')],
			'object-src': ["'none'"],
			'base-uri': ["'none'"],
			'form-action': ["'self'"],
			'frame-ancestors': ["'none'"]
		});
		expect(await response.text()).toBe(page);
	});

	it('sends nosniff with every kind of response', async () => {
		const answers = await Promise.all([
			fetch(`${server.url}/api/health`),
			fetch(`${server.url}/api/nothing-here`),
			fetch(`${server.url}/api/auth/link`, { method: 'POST' }),
			fetch(`${server.url}/`),
			fetch(`${server.url}/favicon.svg`),
			fetch(`${server.url}/`, { method: 'DELETE' }),
			fetch(`${server.url}/embed/widget.js`)
		]);
		expect(answers.map((answer) => answer.status)).toEqual([200, 404, 403, 200, 200, 405, 200]);
		for (const answer of answers) {
			expect(answer.headers.get('x-content-type-options'), answer.url).toBe('nosniff');
		}
		const badTarget = await sendRaw(
			server.url,
			rawRequest('GET', '//[', [
				['Host', new URL(server.url).host],
				['Connection', 'close']
			])
		);
		expect(badTarget.status).toBe(400);
		expect(badTarget.headers['x-content-type-options']).toBe('nosniff');
	});

	it('sends no Strict-Transport-Security', async () => {
		const response = await fetch(`${server.url}/api/health`);
		expect(response.headers.get('strict-transport-security')).toBeNull();
	});

	it('shows the developer outbox at the console’s own host name only', async () => {
		const outbox = (host: string) =>
			sendRaw(
				server.url,
				rawRequest('GET', '/api/dev/outbox', [
					['Host', host],
					['Connection', 'close']
				])
			);
		const own = await outbox(new URL(server.url).host);
		expect(own.status).toBe(200);

		const rebound = await outbox(`attacker.example:${new URL(server.url).port}`);
		expect(rebound.status).toBe(421);
		expect(JSON.parse(rebound.body)).toEqual({
			error: {
				code: 'outbox-wrong-host',
				message: 'The outbox is shown only at the console’s own address.'
			}
		});
	});
});

describe('behind HTTPS (an https PUBLIC_URL)', () => {
	let server: TestServer;
	/** Where the server listens: TLS ends at a proxy in front of it, at the public URL. */
	let bound: string;
	beforeAll(async () => {
		server = await startServer({}, { PUBLIC_URL: 'https://console.example.org' });
		bound = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
	});
	afterAll(() => server.close());

	it('tells browsers to come back over HTTPS only, on pages and API answers alike', async () => {
		for (const path of ['/api/health', '/api/nothing-here', '/', '/embed/widget.js']) {
			const response = await fetch(`${bound}${path}`);
			expect(response.headers.get('strict-transport-security'), path).toBe(
				'max-age=31536000; includeSubDomains'
			);
		}
	});

	it('lets pages connect to the console’s wss:// endpoint', async () => {
		const response = await fetch(`${bound}/`);
		const policy = directives(response.headers.get('content-security-policy'));
		expect(policy['connect-src']).toEqual(["'self'", 'wss://console.example.org']);
	});
});
