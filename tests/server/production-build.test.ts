/**
 * The compiled server (`npm run build`, scripts/build/server-bundle.ts): it imports no package
 * that `npm ci --omit=dev` leaves out, and it runs on plain Node as an operator runs it
 * (NODE_ENV=production), serving the built SPA (needs a build: `npx vite build`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../scripts/build/server-bundle';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
	dependencies: Record<string, string>;
};

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
	const parts = specifier.split('/');
	return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The bare specifiers the compiled code imports: packages and Node's own modules. */
function importsOf(code: string): string[] {
	const pattern =
		/\bimport\s*(?:[^'"();]*?\bfrom\s*)?["']([^"'./][^"']*)["']|\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g;
	return [...code.matchAll(pattern)].map((match) => (match[1] ?? match[2])!);
}

/** Waits for the line the server prints once it listens, and returns its URL. */
/** The address the server says it listens on: the `url` of its JSON log line (production). */
function listening(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const url = output
				.split('\n')
				// The last piece may be a line still being written.
				.slice(0, -1)
				.filter((line) => line.startsWith('{'))
				.map((line) => JSON.parse(line) as { url?: unknown })
				.find((line) => typeof line.url === 'string')?.url;
			if (typeof url === 'string') resolve(url);
		});
		child.once('exit', (code) => reject(new Error(`The server exited (${code}):\n${output}`)));
	});
}

describe('the compiled server', () => {
	let outDir: string;
	let dataDir: string;
	beforeAll(async () => {
		// Inside the project, so that its imports resolve to node_modules as in a deployment.
		mkdirSync('dist', { recursive: true });
		outDir = mkdtempSync(join('dist', 'server-test-'));
		dataDir = mkdtempSync(join(tmpdir(), 'console-production-'));
		await buildServer(outDir);
	}, 120_000);
	afterAll(() => {
		rmSync(outDir, { recursive: true, force: true });
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('imports only production dependencies and Node’s own modules', () => {
		const code = readdirSync(outDir, { recursive: true, encoding: 'utf8' })
			.filter((file) => file.endsWith('.js'))
			.map((file) => readFileSync(join(outDir, file), 'utf8'))
			.join('\n');
		const imported = new Set(importsOf(code).map(packageOf));
		expect(imported.has('zod')).toBe(true);
		const node = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
		const missing = [...imported].filter(
			(name) => !node.has(name) && !(name in packageJson.dependencies)
		);
		expect(missing).toEqual([]);
	});

	it('runs on Node in production: the API, the SPA and the widget; no developer routes', async () => {
		const env = {
			PATH: process.env.PATH,
			NODE_ENV: 'production',
			DATA_DIR: dataDir,
			HOST: '127.0.0.1',
			PORT: '0'
		};
		// Without SMTP_URL nobody would receive mail: refused unless kept local on purpose.
		const refused = spawnSync(process.execPath, [join(outDir, 'main.js')], {
			env,
			encoding: 'utf8'
		});
		expect(refused.status).toBe(1);
		expect(refused.stdout).toContain('LOCAL_OUTBOX=true');
		const server = spawn(process.execPath, [join(outDir, 'main.js')], {
			env: { ...env, LOCAL_OUTBOX: 'true' }
		});
		try {
			const url = await listening(server);
			expect((await fetch(`${url}/api/health`)).status).toBe(200);
			const page = await fetch(`${url}/projects/p1`);
			expect(page.status).toBe(200);
			expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
			expect((await fetch(`${url}/embed/widget.js`)).status).toBe(200);
			expect((await fetch(`${url}/dev/outbox`)).status).toBe(404);
			expect((await fetch(`${url}/api/dev/outbox`)).status).toBe(404);
		} finally {
			const exited = new Promise((resolve) => server.once('exit', resolve));
			server.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
		// The admin command is compiled too, and an operator's console starts without the demo.
		const list = spawnSync(process.execPath, [join(outDir, 'cli', 'admin.js'), 'list'], {
			env,
			encoding: 'utf8'
		});
		expect(list.status, list.stderr).toBe(0);
		expect(list.stdout).not.toContain('Northern Lights');
	});
});
