/**
 * `npm run bench:bulk-invite`: a CSV file of 2,000 people previewed and applied against the
 * server as it runs (a process of its own, bulk-invite-server.ts, over HTTP), beside a baseline
 * measured in the same run: a file of 200 through the same two routes. The two sizes alternate in
 * every round, the one that goes first alternating from round to round, so that the project
 * document, which grows by every file applied, weighs on both alike. Between two measurements the
 * outbox is left to drain, so that no mail of the previous file is being written meanwhile.
 *
 * A row's cost should not grow with the file: the figure judged is the time per row of 2,000
 * rows over that of 200 (1 is linear). Figures go to docs/performance.md, section
 * `bulk-invite`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { machine, writeSection } from './report';
import { median, range } from './stats';

/** The baseline and the file measured. */
type Size = 200 | 2000;
const ROUNDS = 5;
/** One file of each size first, not counted: the server's JIT and caches. */
const WARMUP_ROUNDS = 1;
/** A row in ten is an address that already has an account: added at once, not mailed. */
const WITH_ACCOUNT_EVERY = 10;
const ACCOUNTS = (ROUNDS + WARMUP_ROUNDS) * (200 + 2000);
const MAX_PER_ROW_RATIO = 1.5;

interface Server {
	url: string;
	cookie: string;
	queued(): Promise<number>;
	stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'scripts/bench/bulk-invite-server.ts', String(ACCOUNTS)],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	const lines = createInterface({ input: child.stdout! });
	const waiting: Array<(line: string) => void> = [];
	// The outbox's log shares the process's output: only the JSON lines are answers.
	lines.on('line', (line) => {
		if (line.startsWith('{')) waiting.shift()?.(line);
	});
	const next = () => new Promise<string>((resolve) => waiting.push(resolve));
	const { url, cookie } = JSON.parse(await next()) as { url: string; cookie: string };
	return {
		url,
		cookie,
		async queued() {
			const answer = next();
			child.stdin!.write('queued\n');
			return (JSON.parse(await answer) as { queued: number }).queued;
		},
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

let accountsUsed = 0;

/**
 * A file of `size` new people: Office Analysts (their zone from their address's domain) and
 * Library one Consumers (their zone named, and an end date), a tenth of them with accounts.
 */
function file(size: number, tag: string): string {
	const rows = ['email,name,role,zone,end date'];
	for (let index = 0; index < size; index++) {
		if (index % WITH_ACCOUNT_EVERY === 0) {
			const account = accountsUsed++;
			rows.push(`acct${account}@office.example.org,Account ${account},Analyst,,`);
		} else if (index % 2 === 0) {
			rows.push(`${tag}-${index}@office.example.org,Person ${index},Analyst,,`);
		} else {
			rows.push(
				`${tag}-${index}@library.example.edu,Person ${index},Consumer,Library one,2099-08-31`
			);
		}
	}
	return `${rows.join('\r\n')}\r\n`;
}

interface Sample {
	previewMs: number;
	applyMs: number;
}

async function post(server: Server, path: string, body: string): Promise<unknown> {
	const response = await fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: {
			'Content-Type': 'text/csv',
			Cookie: server.cookie,
			Origin: new URL(server.url).origin
		},
		body
	});
	const answer = (await response.json()) as unknown;
	if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
	return answer;
}

async function drained(server: Server): Promise<void> {
	while ((await server.queued()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
	await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Previews then applies one file of `size` new people; the time of each request, to its answer. */
async function measure(server: Server, size: Size, tag: string): Promise<Sample> {
	const csv = file(size, tag);
	const base = '/api/projects/bench/invites/csv';
	const startedPreview = performance.now();
	const preview = (await post(server, `${base}/preview`, csv)) as {
		fingerprint: string;
		counts: { invite: number; add: number; refused: number };
	};
	const previewMs = performance.now() - startedPreview;
	if (preview.counts.refused > 0 || preview.counts.invite + preview.counts.add !== size)
		throw new Error(
			`a file of ${size} did not preview as new people: ${JSON.stringify(preview.counts)}`
		);
	const startedApply = performance.now();
	await post(server, `${base}?fingerprint=${preview.fingerprint}`, csv);
	const applyMs = performance.now() - startedApply;
	await drained(server);
	return { previewMs, applyMs };
}

// ---- measure ---------------------------------------------------------------------------------

console.log(`starting the server (${ACCOUNTS} accounts)...`);
const loadBefore = loadavg()[0]!;
const server = await startServer();
const samples: Record<Size, Sample[]> = { 200: [], 2000: [] };
let invitesWritten = 0;
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
	const order: Size[] = round % 2 === 0 ? [200, 2000] : [2000, 200];
	for (const size of order) {
		const counted = round >= WARMUP_ROUNDS;
		console.log(
			`${counted ? `round ${round - WARMUP_ROUNDS + 1} of ${ROUNDS}` : 'warm-up'}: ${size} rows...`
		);
		const sample = await measure(server, size, `r${round}-s${size}`);
		invitesWritten += size;
		if (counted) samples[size].push(sample);
	}
}
await server.stop();
const loadAfter = loadavg()[0]!;

// ---- report ----------------------------------------------------------------------------------

const ms = (value: number) =>
	value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
const ratio = (value: number) => value.toFixed(2);
const of = (size: Size, key: keyof Sample) => samples[size].map((sample) => sample[key]);
const perRow = (size: Size, key: keyof Sample) => of(size, key).map((value) => value / size);
/** Per round: the time per row of 2,000 over that of 200. */
const roundRatios = (key: keyof Sample) =>
	samples[2000].map((sample, index) => sample[key] / 2000 / (samples[200][index]![key] / 200));
const row = (size: Size) => {
	const [previewMin] = range(of(size, 'previewMs'));
	const [applyMin] = range(of(size, 'applyMs'));
	return `| ${size.toLocaleString('en')} | ${ms(previewMin)} | ${ms(median(of(size, 'previewMs')))} | ${ms(applyMin)} | ${ms(median(of(size, 'applyMs')))} | ${(median(perRow(size, 'previewMs')) + median(perRow(size, 'applyMs'))).toFixed(2)} ms |`;
};
const previewRatio = median(perRow(2000, 'previewMs')) / median(perRow(200, 'previewMs'));
const applyRatio = median(perRow(2000, 'applyMs')) / median(perRow(200, 'applyMs'));
const spread = (values: number[]) => {
	const [low, high] = range(values);
	return `${ratio(low)} – ${ratio(high)}`;
};
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

writeSection(
	'bulk-invite',
	`## Bulk invite (\`npm run bench:bulk-invite\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, shared with other work (load
average ${loadBefore.toFixed(1)} when the run began, ${loadAfter.toFixed(1)} when it ended): single figures are noisy, the
ratio to the baseline measured beside them is what is judged.

A CSV file of new people previewed (\`POST /api/projects/:id/invites/csv/preview\`) and applied
(\`POST /api/projects/:id/invites/csv\`) over HTTP, against the server in a process of its own
(\`scripts/bench/bulk-invite-server.ts\`: \`createApp\` with the default configuration, mail kept
in the local outbox, the allowance of people invited from files per admin lifted). A tenth of each
file are addresses that have an account (added at once), the rest half Network Zone Analysts
(their zone from their address's domain), half Consumers of an Institution Zone (named in the
file) with an end date. Apply is timed to its answer, which comes once
every invitation is in the project document, its link issued and its mail queued (the extensions
run in the same step); the outbox is then left to drain before the next file. Baseline: a file of
200 through the same routes. After ${WARMUP_ROUNDS} warm-up round, ${ROUNDS} rounds of one file of each size,
the size that goes first alternating; the project document grows by every file (${invitesWritten.toLocaleString('en')} invitations
at the end).

| Rows | Preview (min) | Preview (median) | Apply (min) | Apply (median) | Preview and apply, per row |
|---|---|---|---|---|---|
${row(200)}
${row(2000)}

Time per row, 2,000 / 200, medians: preview **${ratio(previewRatio)}**, apply **${ratio(applyRatio)}** (target: at most ${MAX_PER_ROW_RATIO}, a row's cost does not grow with the file) — ${verdict(previewRatio <= MAX_PER_ROW_RATIO && applyRatio <= MAX_PER_ROW_RATIO)}.
Per round: preview ${spread(roundRatios('previewMs'))}, apply ${spread(roundRatios('applyMs'))}.
`
);
