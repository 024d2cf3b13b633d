import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokePortal } from '../../server/embed/portals';
import { startAuthServer } from '../support/auth';
import { registerTestPortal, type TestPortal } from '../support/embed';
import type { TestServer } from '../support/server';
import { setUpProject } from '../support/sync';
import { createConsortium, findConsortium } from '../../server/consortium/store';
import { createProject } from '../../server/consortium/projects';

let server: TestServer;
let portal: TestPortal;
let revoked: TestPortal;

beforeAll(async () => {
	server = await startAuthServer();
	setUpProject(server, 'institution-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
	portal = registerTestPortal(server, {
		origins: ['https://portal.example.org', 'http://localhost:4000']
	});
	revoked = registerTestPortal(server, { name: 'Old', origins: ['https://old.example.org'] });
	revokePortal(server.app.authDb, revoked.id, null);
	const other = createConsortium(server.app.db, {
		name: 'Elsewhere',
		mode: 'network-zone',
		zones: [{ kind: 'network', name: 'Elsewhere Office' }]
	});
	createProject(server.app.db, server.app.registry, other, { id: 'p2', name: 'Theirs' });
	// A project of the portal's own consortium (another library's) that the portal does not serve.
	const own = findConsortium(server.app.db, portal.consortiumId)!;
	createProject(server.app.db, server.app.registry, own, {
		id: 'p3',
		name: 'Unserved',
		ownerZoneId: 'borealis'
	});
});

afterAll(() => server.close());

async function headersOf(path: string): Promise<Headers> {
	const response = await fetch(`${server.url}${path}`);
	expect(response.status).toBe(200);
	return response.headers;
}

/** The `frame-ancestors` directive of the page's Content-Security-Policy. */
function frameAncestors(headers: Headers): string | undefined {
	return headers
		.get('content-security-policy')
		?.split(';')
		.map((directive) => directive.trim())
		.find((directive) => directive.startsWith('frame-ancestors '));
}

describe('who may frame the console', () => {
	it('lets the portal’s origins, and only them, frame its project’s embed route', async () => {
		const headers = await headersOf(`/embed/projects/p1?portal=${portal.id}`);
		expect(frameAncestors(headers)).toBe(
			'frame-ancestors https://portal.example.org http://localhost:4000'
		);
		expect(headers.get('x-frame-options')).toBeNull();
	});

	it('lets nobody frame the embed route of an unknown or revoked portal, or a project it does not serve', async () => {
		for (const path of [
			'/embed/projects/p1',
			'/embed/projects/p1?portal=unknown',
			`/embed/projects/p1?portal=${revoked.id}`,
			`/embed/projects/p2?portal=${portal.id}`,
			`/embed/projects/p3?portal=${portal.id}`,
			`/embed/projects/p1/../p1?portal=${portal.id}%20*`
		]) {
			const headers = await headersOf(path);
			expect(frameAncestors(headers), path).toBe("frame-ancestors 'none'");
			expect(headers.get('x-frame-options'), path).toBe('DENY');
		}
	});

	it('keeps every other page unframeable, whatever its query says', async () => {
		for (const path of ['/', `/projects/p1/settings/users?portal=${portal.id}`, '/sign-in']) {
			const headers = await headersOf(path);
			expect(frameAncestors(headers), path).toBe("frame-ancestors 'none'");
		}
	});
});

describe('the consent window', () => {
	it('keeps its opener (the widget’s iframe), and nobody frames it; every other page cuts its opener off', async () => {
		const consent = await headersOf(`/embed/consent?portal=${portal.id}&project=p1`);
		expect(consent.get('cross-origin-opener-policy')).toBe('unsafe-none');
		expect(consent.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect(consent.get('x-frame-options')).toBe('DENY');
		for (const path of [
			'/',
			'/sign-in',
			`/embed/projects/p1?portal=${portal.id}`,
			'/embed/consent/x'
		]) {
			expect((await headersOf(path)).get('cross-origin-opener-policy'), path).toBe('same-origin');
		}
	});
});

describe('the loader script', () => {
	it('is served to any site, gzipped within 5 KB', async () => {
		// node:http, not fetch: the bytes as they travel, not decompressed.
		const { headers, bytes } = await new Promise<{ headers: IncomingHttpHeaders; bytes: Buffer }>(
			(resolve, reject) => {
				get(`${server.url}/embed/widget.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
				}).on('error', reject);
			}
		);
		expect(headers['content-type']).toContain('text/javascript');
		expect(headers['content-encoding']).toBe('gzip');
		expect(headers['cross-origin-resource-policy']).toBe('cross-origin');
		expect(bytes.length).toBeLessThanOrEqual(5 * 1024);
		expect(gunzipSync(bytes).toString()).toContain('customElements.define(NAME, MembershipWidget)');
	});
});
