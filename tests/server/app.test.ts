import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server';

describe('the console server', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server.close());

	it('answers its health check', async () => {
		const response = await fetch(`${server.url}/api/health`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ ok: true });
	});

	it('creates its SQLite database in the data directory', () => {
		expect(existsSync(`${server.dataDir}/console.sqlite`)).toBe(true);
		expect(server.app.db.pragma('journal_mode', { simple: true })).toBe('wal');
	});

	it('serves the SPA for any page path, so that deep links work', async () => {
		const response = await fetch(`${server.url}/projects/p1/settings/users`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toContain('text/html');
		expect(await response.text()).toContain('<div style="display: contents">');
	});

	it('refuses to be framed by other sites', async () => {
		const response = await fetch(`${server.url}/`);
		expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
	});

	it('never serves files outside the build directory', async () => {
		const response = await fetch(`${server.url}/..%2f..%2fpackage.json`);
		expect(await response.text()).not.toContain('"devDependencies"');
	});

	it('answers unknown API paths with a JSON 404', async () => {
		const response = await fetch(`${server.url}/api/nothing-here`);
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: { code: 'not-found' } });
	});
});
