/**
 * Starts a real console server on 127.0.0.1, port 0, with its own temporary data directory, and
 * stops it again. Every server test goes through here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../server/app';
import { readConfig, type Config } from '../../server/config';

export interface TestServer {
	app: App;
	url: string;
	origin: string;
	dataDir: string;
	close(): Promise<void>;
}

export async function startServer(
	overrides: Partial<Config> = {},
	env: NodeJS.ProcessEnv = {},
	options: AppOptions = {}
): Promise<TestServer> {
	const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'console-test-'));
	const config: Config = {
		// Logs at the test environment's level (warnings and errors), unless LOG_LEVEL says otherwise.
		...readConfig({
			NODE_ENV: 'test',
			LOG_LEVEL: process.env.LOG_LEVEL,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			...env
		}),
		...overrides
	};
	const app = createApp(config, options);
	const url = await app.listen();
	return {
		app,
		url,
		origin: new URL(url).origin,
		dataDir,
		async close() {
			await app.close();
			if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
