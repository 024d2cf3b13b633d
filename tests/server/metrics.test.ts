/**
 * /metrics (server/observability/): kept from the public, and counting what happens over real
 * sockets and real SMTP: connections while they are open, changes by verdict and reason, mail
 * failures, rate-limit refusals.
 */
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestAccount } from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import { captureLog } from '../support/log';
import { startServer, type TestServer } from '../support/server';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { SyncClient, setUpProject } from '../support/sync';

const TOKEN = 'a-metrics-token-of-at-least-32-characters';
const WITH_TOKEN = { METRICS_TOKEN: TOKEN };

let server: TestServer;
const clients: SyncClient[] = [];
let smtp: TestSmtpServer | undefined;

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
	await smtp?.stop();
	smtp = undefined;
});

function scrape(url = server.url, token: string | null = TOKEN): Promise<Response> {
	return fetch(`${url}/metrics`, {
		headers: token === null ? {} : { Authorization: `Bearer ${token}` }
	});
}

/** One sample of the exposition: the value of `name` whose labels include `labels`; undefined if none. */
async function sample(
	name: string,
	labels: Record<string, string> = {}
): Promise<number | undefined> {
	const text = await (await scrape()).text();
	for (const line of text.split('\n')) {
		const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		if (!match || match[1] !== name) continue;
		const found = Object.fromEntries(
			[...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value])
		);
		if (Object.entries(labels).every(([key, value]) => found[key] === value))
			return Number(match[3]);
	}
	return undefined;
}

/**
 * The text format's rules that a scraper enforces: one HELP and TYPE per family, before its
 * samples; each sample of a declared family; a histogram's buckets cumulative up to `+Inf`, which
 * equals its count.
 */
function expectWellFormed(text: string): void {
	const types = new Map<string, string>();
	const helped = new Set<string>();
	const buckets = new Map<string, number[]>();
	const counts = new Map<string, number>();
	for (const line of text.split('\n').filter((each) => each !== '')) {
		const comment = /^# (HELP|TYPE) ([a-zA-Z_:][\w:]*) (.+)$/.exec(line);
		if (comment) {
			const [, kind, name, rest] = comment;
			if (kind === 'HELP') {
				expect(helped.has(name!), `HELP ${name} once`).toBe(false);
				helped.add(name!);
			} else {
				expect(types.has(name!), `TYPE ${name} once`).toBe(false);
				types.set(name!, rest!);
			}
			continue;
		}
		const sampleLine =
			/^([a-zA-Z_:][\w:]*)(\{(?:[a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(line);
		expect(sampleLine, line).not.toBeNull();
		const [, name, labels = '', value] = sampleLine!;
		// Go's ParseFloat, as Prometheus reads it: NaN and Inf in any case (prom-client writes "Nan").
		expect(value, line).toMatch(/^([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?inf|nan)$/i);
		const family = [name!, name!.replace(/_(bucket|sum|count)$/, '')].find((each) =>
			types.has(each)
		);
		expect(family, `${name} has a TYPE`).toBeDefined();
		if (types.get(family!) !== 'histogram') continue;
		const series = `${family} ${[...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
			.filter(([, key]) => key !== 'le')
			.map(([pair]) => pair)
			.sort()
			.join(',')}`;
		if (name!.endsWith('_bucket'))
			buckets.set(series, [...(buckets.get(series) ?? []), Number(value)]);
		if (name!.endsWith('_count')) counts.set(series, Number(value));
	}
	expect(buckets.size).toBeGreaterThan(0);
	for (const [series, values] of buckets) {
		expect(values, series).toEqual([...values].sort((a, b) => a - b));
		expect(values.at(-1), series).toBe(counts.get(series));
	}
}

describe('who may read the metrics', () => {
	it('refuses a request without the token, or with another, and serves one with it', async () => {
		server = await startServer({}, WITH_TOKEN);

		const without = await scrape(server.url, null);
		expect(without.status).toBe(401);
		expect(without.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
		expect(await without.text()).not.toContain('console_');

		for (const wrong of [`${TOKEN}x`, TOKEN.slice(1), 'short', TOKEN.toUpperCase()]) {
			const refused = await scrape(server.url, wrong);
			expect(refused.status).toBe(401);
			expect(await refused.text()).not.toContain('console_');
		}
		const basic = await fetch(`${server.url}/metrics`, {
			headers: { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }
		});
		expect(basic.status).toBe(401);

		const served = await scrape();
		expect(served.status).toBe(200);
		expect(served.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
		expect(served.headers.get('cache-control')).toBe('no-store');
		const text = await served.text();
		expect(text).toContain('# TYPE console_sync_changes_total counter');
		// Node's own process metrics are there too.
		expect(text).toContain('process_cpu_seconds_total');
		expect(text).toContain('nodejs_eventloop_lag_seconds');
		expectWellFormed(text);
	});

	it('measures nothing and has no /metrics when neither a token nor a port is set', async () => {
		server = await startServer();
		expect(server.app.metrics).toBeNull();
		const response = await scrape();
		expect(await response.text()).not.toContain('console_sync');
	});

	it('serves them on METRICS_PORT, on 127.0.0.1 only, and not on the console’s port without a token', async () => {
		server = await startServer({}, { METRICS_PORT: '0' });
		const address = server.app.metricsServer!.address() as AddressInfo;
		expect(address.address).toBe('127.0.0.1');
		const metricsUrl = `http://127.0.0.1:${address.port}`;

		const served = await scrape(metricsUrl, null);
		expect(served.status).toBe(200);
		expect(await served.text()).toContain('console_sync_connections');
		expect((await fetch(`${metricsUrl}/api/health`)).status).toBe(404);
		expect(await (await scrape(server.url, null)).text()).not.toContain('console_sync');
	});

	it('asks for the token on METRICS_PORT too when one is set', async () => {
		server = await startServer({}, { METRICS_PORT: '0', ...WITH_TOKEN });
		const { port } = server.app.metricsServer!.address() as AddressInfo;
		expect((await scrape(`http://127.0.0.1:${port}`, null)).status).toBe(401);
		expect((await scrape(`http://127.0.0.1:${port}`)).status).toBe(200);
	});
});

describe('what the metrics count', () => {
	it('shows a connection in the gauge while it is open, and its document as open', async () => {
		server = await startServer({}, WITH_TOKEN);
		setUpProject(server, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
		expect(await sample('console_sync_connections')).toBe(0);

		const ada = new SyncClient(server, 'ada', 'project/p1');
		clients.push(ada);
		await ada.synced();
		expect(await sample('console_sync_connections')).toBe(1);
		expect(await sample('console_sync_open_documents')).toBeGreaterThanOrEqual(1);

		ada.destroy();
		await eventually(
			async () => (await sample('console_sync_connections')) === 0,
			'the connection to leave the gauge'
		);
	});

	it('counts a change refused over a real socket under its reason, and an accepted one', async () => {
		server = await startServer({}, WITH_TOKEN);
		setUpProject(server, 'network-zone', [
			{ accountId: 'ada', role: 'admin', zone: 'nz' },
			{ accountId: 'nia', role: 'analyst', zone: 'nz' },
			{ accountId: 'ned', role: 'consumer', zone: 'nz' }
		]);
		const refused = { verdict: 'refused', reason: 'admin-only' };
		expect(await sample('console_sync_changes_total', refused)).toBe(0);

		const nia = new SyncClient(server, 'nia', 'project/p1');
		clients.push(nia);
		await nia.synced();
		nia.setMember('ned', { role: 'admin' });
		await eventually(() => nia.verdicts.length === 1, 'the verdict');
		expect(nia.verdicts[0]!.rejected[0]!.code).toBe('admin-only');
		await eventually(
			async () => (await sample('console_sync_changes_total', refused)) === 1,
			'the refusal to be counted'
		);
		expect(await sample('console_sync_messages_total', { verdict: 'refused' })).toBe(1);
		expect(await sample('console_sync_changes_total', { verdict: 'accepted' })).toBe(0);

		const ada = new SyncClient(server, 'ada', 'project/p1');
		clients.push(ada);
		await ada.synced();
		ada.setMember('ned', { role: 'analyst' });
		await eventually(
			async () => (await sample('console_sync_changes_total', { verdict: 'accepted' })) === 1,
			'the accepted change to be counted'
		);
		expect(await sample('console_sync_changes_total', refused)).toBe(1);
		// Both were validated and their updates (the accepted change, the revert) stored.
		expect(await sample('console_sync_validation_seconds_count')).toBeGreaterThanOrEqual(2);
		expect(
			await sample('console_sync_persistence_seconds_count', { operation: 'append' })
		).toBeGreaterThanOrEqual(2);
		expect(
			await sample('console_sync_persistence_seconds_count', { operation: 'load' })
		).toBeGreaterThanOrEqual(1);
		expectWellFormed(await (await scrape()).text());
	});

	it('counts a message the SMTP server refuses for good as a mail failure', async () => {
		smtp = await startSmtpServer();
		const logged = captureLog();
		server = await startServer({}, { SMTP_URL: smtp.url, ...WITH_TOKEN }, { log: logged.log });
		await createTestAccount(server, { email: 'ada@library.example.edu' });
		smtp.rejectNext(1, 550);
		await new TestClient(server).post('/api/auth/link', { email: 'ada@library.example.edu' });

		await eventually(
			async () => (await sample('console_mail_failures_total', { outcome: 'given-up' })) === 1,
			'the failure to be counted'
		);
		expect(logged.entries().find((entry) => entry.msg === 'mail given up')).toMatchObject({
			level: 'warn',
			to: 'ada@library.example.edu',
			attempts: 1
		});
		expect(await sample('console_mail_sent_total')).toBe(0);
		expect(await sample('console_mail_queue_length')).toBe(0);
	});

	it('counts a delivery that fails for now, and keeps the message in the queue', async () => {
		const closed = createTcpServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		server = await startServer({}, { SMTP_URL: `smtp://127.0.0.1:${port}`, ...WITH_TOKEN });
		await createTestAccount(server, { email: 'ada@library.example.edu' });
		await new TestClient(server).post('/api/auth/link', { email: 'ada@library.example.edu' });

		await eventually(
			async () => (await sample('console_mail_failures_total', { outcome: 'retrying' })) === 1,
			'the failed attempt to be counted'
		);
		expect(await sample('console_mail_queue_length')).toBe(1);
	});

	it('counts the refusals of a rate limit by its name', async () => {
		server = await startServer({}, WITH_TOKEN);
		await createTestAccount(server, { email: 'ada@library.example.edu' });
		const limit = { limit: 'mailPerEmail' };
		expect(await sample('console_rate_limit_refusals_total', limit)).toBeUndefined();
		const client = new TestClient(server);
		const { limit: allowed } = server.app.config.auth.rateLimits.mailPerEmail;
		for (let attempt = 0; attempt < allowed; attempt++)
			expect(
				(await client.post('/api/auth/link', { email: 'ada@library.example.edu' })).status
			).toBe(202);
		const refused = await client.post('/api/auth/link', { email: 'ada@library.example.edu' });
		expect(refused.status).toBe(429);
		expect(await sample('console_rate_limit_refusals_total', limit)).toBe(1);
	});
});
