/**
 * The built SPA as the server sends it (needs a build: `npx vite build`): compressed copies to the
 * browsers that take them, caching by kind of file, ETags, the pages' policy, and the developer
 * pages only in development.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server';

const BUILD = 'build';

interface Answer {
	status: number;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** A GET through node:http, which (unlike fetch) neither asks for nor undoes any compression. */
function fetchRaw(url: string, headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		get(url, { headers }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode!,
					headers: response.headers,
					body: Buffer.concat(chunks)
				})
			);
		}).on('error', reject);
	});
}

function filesIn(directory: string): string[] {
	return readdirSync(directory).flatMap((entry) => {
		const path = join(directory, entry);
		return statSync(path).isDirectory() ? filesIn(path) : [path];
	});
}

const builtFiles = filesIn(BUILD);
/** The largest script of the build, by its path on the server. */
const script = builtFiles
	.filter((file) => file.startsWith(join(BUILD, '_app/immutable/')) && file.endsWith('.js'))
	.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
const scriptPath = `/${relative(BUILD, script)}`;

describe('the built SPA', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server.close());

	it('sends brotli to browsers that take it, else gzip, else the file as it is', async () => {
		const original = readFileSync(script);
		const brotli = await fetchRaw(`${server.url}${scriptPath}`, {
			'Accept-Encoding': 'gzip, deflate, br, zstd'
		});
		expect(brotli.status).toBe(200);
		expect(brotli.headers['content-encoding']).toBe('br');
		expect(brotli.headers.vary).toBe('Accept-Encoding');
		expect(brotli.body.length).toBeLessThan(original.length / 2);
		expect(brotliDecompressSync(brotli.body).equals(original)).toBe(true);

		const gzip = await fetchRaw(`${server.url}${scriptPath}`, { 'Accept-Encoding': 'gzip' });
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gzip.body).equals(original)).toBe(true);

		const plain = await fetchRaw(`${server.url}${scriptPath}`);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.headers['content-type']).toContain('text/javascript');
		expect(plain.body.equals(original)).toBe(true);
	});

	it('has every precompressed copy match its original', () => {
		const copies = builtFiles.filter((file) => /\.(br|gz)$/.test(file));
		expect(copies.length).toBeGreaterThan(10);
		for (const copy of copies) {
			const original = readFileSync(copy.slice(0, -3));
			const unpacked = copy.endsWith('.br')
				? brotliDecompressSync(readFileSync(copy))
				: gunzipSync(readFileSync(copy));
			expect(unpacked.equals(original), copy).toBe(true);
		}
	});

	it('lets browsers keep hashed files for a year, and revalidate the others', async () => {
		const hashed = await fetchRaw(`${server.url}${scriptPath}`);
		expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
		for (const path of ['/service-worker.js', '/_app/build.json', '/favicon.svg']) {
			const answer = await fetchRaw(`${server.url}${path}`);
			expect(answer.status, path).toBe(200);
			expect(answer.headers['cache-control'], path).toBe('no-cache');
		}
	});

	it('answers a file the browser still has with 304, by its ETag', async () => {
		const headers = { 'Accept-Encoding': 'br' };
		const first = await fetchRaw(`${server.url}/service-worker.js`, headers);
		const etag = first.headers.etag!;
		expect(etag).toBeTruthy();
		const again = await fetchRaw(`${server.url}/service-worker.js`, {
			...headers,
			'If-None-Match': etag
		});
		expect(again.status).toBe(304);
		expect(again.body.length).toBe(0);
		expect(again.headers['cache-control']).toBe('no-cache');
		// Another encoding is another representation, with its own tag.
		const gzip = await fetchRaw(`${server.url}/service-worker.js`, { 'Accept-Encoding': 'gzip' });
		expect(gzip.headers.etag).not.toBe(etag);
		const changed = await fetchRaw(`${server.url}/service-worker.js`, {
			...headers,
			'If-None-Match': '"something-else"'
		});
		expect(changed.status).toBe(200);
	});

	it('serves every page path as the page, compressed, with its policy and an ETag', async () => {
		const page = readFileSync(join(BUILD, 'index.html'));
		const answer = await fetchRaw(`${server.url}/projects/p1/settings/users`, {
			'Accept-Encoding': 'br'
		});
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(answer.headers['content-encoding']).toBe('br');
		expect(answer.headers['cache-control']).toBe('no-cache');
		const html = brotliDecompressSync(answer.body);
		expect(html.equals(page)).toBe(true);
		// The policy allows the page's inline bootstrap script by its hash, and nothing else inline.
		const inline = /<script>([\s\S]*?)<\/script>/.exec(html.toString('utf8'))![1]!;
		const hash = createHash('sha256').update(inline).digest('base64');
		expect(answer.headers['content-security-policy']).toContain(
			`script-src 'self' 'sha256-${hash}';`
		);
		expect(answer.headers['x-frame-options']).toBe('DENY');

		const again = await fetchRaw(`${server.url}/directory`, {
			'Accept-Encoding': 'br',
			'If-None-Match': answer.headers.etag!
		});
		expect(again.status).toBe(304);
		expect(again.headers['content-security-policy']).toContain(`'sha256-${hash}'`);
	});

	it('answers a file of no build with 404, not with the page', async () => {
		const answer = await fetchRaw(`${server.url}/_app/immutable/chunks/gone.js`);
		expect(answer.status).toBe(404);
		expect(answer.headers['content-type']).not.toContain('text/html');
	});

	it('serves the developer pages in development', async () => {
		for (const path of ['/dev/outbox', '/dev/components']) {
			const answer = await fetchRaw(`${server.url}${path}`);
			expect(answer.status, path).toBe(200);
			expect(answer.headers['content-type'], path).toContain('text/html');
		}
		expect((await fetchRaw(`${server.url}/api/dev/outbox`)).status).toBe(200);
	});
});

describe.each([
	['NODE_ENV=production', { NODE_ENV: 'production' }],
	['SMTP_URL set', { SMTP_URL: 'smtp://127.0.0.1:9' }]
])('the developer pages and routes with %s', (_name, env) => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({}, env);
	});
	afterAll(() => server.close());

	it('are not there', async () => {
		for (const path of ['/dev/outbox', '/dev/components', '/dev/', '/api/dev/outbox']) {
			const answer = await fetchRaw(`${server.url}${path}`);
			expect(answer.status, path).toBe(404);
			expect(answer.headers['content-type'], path).not.toContain('text/html');
		}
		// The console itself is.
		expect((await fetchRaw(`${server.url}/projects/p1`)).status).toBe(200);
	});
});
