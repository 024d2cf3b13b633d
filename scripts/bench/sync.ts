/**
 * `npm run bench:sync`: the sync server's figures, written to docs/performance.md.
 *
 * 1. Cost of validating and applying a one-member change in documents of 500 and 50,000 members,
 *    in process, with every extension the real server declares (validation-cost.ts); the sizes
 *    are measured interleaved. Target: a ratio of at most 1.5.
 * 2. Throughput, latency and server CPU per change with 200 clients on one project document, for
 *    the validated server and a plain relay baseline, interleaved and repeated (client-load.ts).
 *    Target: at least half the baseline's throughput.
 * 3. Server memory for one open 10,000-member document.
 *
 * Every figure with a target is a ratio against a baseline measured in the same run, in rounds
 * that alternate which side goes first, so that the order of the runs cannot decide it.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
	BURST_PER_WRITER,
	CLIENTS,
	PACED_RATE,
	PACED_SECONDS,
	PAUSE_MS,
	WARMUP_PER_WRITER,
	WRITERS,
	measureLoad,
	type LoadFigures,
	type ServerKind
} from './client-load';
import { machine, median, percentile, range, writeSection } from './report';
import {
	measureValidationCost,
	type ValidationPlan,
	type ValidationSamples
} from './validation-cost';

const VALIDATION: ValidationPlan = { sizes: [500, 50_000], warmup: 50, rounds: 10, perRound: 40 };
const LOAD_ROUNDS = 3;
const MAX_SIZE_RATIO = 1.5;
const MIN_THROUGHPUT_SHARE = 0.5;

async function measureMemory(size: number): Promise<{ heapBytes: number; rssBytes: number }> {
	const child = spawn(
		process.execPath,
		['--expose-gc', '--import', 'tsx', 'scripts/bench/memory.ts', String(size)],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	const line = await new Promise<string>((resolve) =>
		createInterface({ input: child.stdout! }).once('line', resolve)
	);
	return JSON.parse(line) as { heapBytes: number; rssBytes: number };
}

// ---- measure ---------------------------------------------------------------------------------

const started = performance.now();
console.log('validation cost: 500 and 50,000 members, interleaved...');
const [small, large] = (await measureValidationCost(VALIDATION)) as [
	ValidationSamples,
	ValidationSamples
];

const rounds: Array<Record<ServerKind, LoadFigures> & { order: ServerKind[] }> = [];
for (let round = 0; round < LOAD_ROUNDS; round++) {
	const order: ServerKind[] = round % 2 === 0 ? ['relay', 'validated'] : ['validated', 'relay'];
	const figures: Partial<Record<ServerKind, LoadFigures>> = {};
	for (const kind of order) {
		console.log(`${CLIENTS} clients, round ${round + 1} of ${LOAD_ROUNDS}: ${kind}...`);
		figures[kind] = await measureLoad(kind);
	}
	rounds.push({ order, relay: figures.relay!, validated: figures.validated! });
}

console.log('memory...');
const memory = await measureMemory(10_000);
console.log(`measured in ${((performance.now() - started) / 60_000).toFixed(1)} min`);

// ---- summarize -------------------------------------------------------------------------------

const ms = (value: number) => `${value.toFixed(3)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const spread = (values: number[], format: (value: number) => string) => {
	const [low, high] = range(values);
	return `${format(low)} – ${format(high)}`;
};
const ratio = (value: number) => value.toFixed(2);
const verdict = (met: boolean) => (met ? 'met' : '**NOT met**');

const roundMedians = (samples: number[][]) => samples.map(median);
const sizeRow = (figures: ValidationSamples) => {
	const accepted = figures.accepted.flat();
	return `| ${figures.size.toLocaleString('en')} | ${ms(median(accepted))} | ${ms(percentile(accepted, 90))} | ${spread(roundMedians(figures.accepted), ms)} | ${ms(median(figures.refused.flat()))} | ${spread(roundMedians(figures.refused), ms)} |`;
};
const sizeRatio = median(large.accepted.flat()) / median(small.accepted.flat());
const sizeRatioByRound = large.accepted.map(
	(samples, round) => median(samples) / median(small.accepted[round]!)
);
const refusedSizeRatio = median(large.refused.flat()) / median(small.refused.flat());

const shares = rounds.map((round) => round.validated.throughput / round.relay.throughput);
const cpuRatios = rounds.map(
	(round) => round.validated.cpuMsPerChange / round.relay.cpuMsPerChange
);
const share = median(shares);
const slowest = Math.min(
	...rounds.flatMap((round) => [round.relay.throughput, round.validated.throughput])
);
const roundRow = (round: (typeof rounds)[number], index: number) =>
	`| ${index + 1} | ${round.order.join(', then ')} | ${round.relay.throughput.toFixed(0)} | ${round.validated.throughput.toFixed(0)} | ${ratio(shares[index]!)} | ${ms(round.relay.cpuMsPerChange)} | ${ms(round.validated.cpuMsPerChange)} | ${ratio(cpuRatios[index]!)} |`;
const latencyRow = (kind: ServerKind, label: string) => {
	const p50 = rounds.map((round) => round[kind].p50Ms);
	const p99 = rounds.map((round) => round[kind].p99Ms);
	return `| ${label} | ${ms(median(p50))} (${spread(p50, ms)}) | ${ms(median(p99))} (${spread(p99, ms)}) |`;
};

writeSection(
	'sync',
	`## Sync server (\`npm run bench:sync\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}. The machine is shared with
other work, so single figures are noisy; what the targets are judged on is measured interleaved
with its baseline, in rounds that alternate which side goes first.

### Validating and applying a one-member change

The whole \`LiveDocument.receive\` step of the real server: inspection at the door, apply, judge,
persist (SQLite, WAL), broadcast (to no connections) and every extension that \`createApp\`
declares, in order: revocation of lost access, the audit log and the workflow indexes, the
projection of memberships into user documents, invitation mail and the workflow reactions. The
app is created with \`createApp\` and its default configuration (not listening), the two projects
written through its registry (no member in common) and the app restarted, so that the documents
load from SQLite and no user document is in memory: each accepted change loads the user document
of the member it changes, as for somebody who is not online. Accepted: an admin changes the role of a member nobody changed
before in this run. Refused: a Consumer tries to make themselves an admin (judged, reverted and
scrubbed).

Both sizes live in one process and are measured interleaved after a shared warm-up of
${VALIDATION.warmup} changes of each kind per size: ${VALIDATION.rounds} rounds of ${VALIDATION.perRound} accepted and ${VALIDATION.perRound} refused
changes per size, in which the two documents take turns change by change, the one that goes
first alternating from round to round. Medians are over all ${VALIDATION.rounds * VALIDATION.perRound} samples of a size;
the spread is that of the ${VALIDATION.rounds} per-round medians.

| Members | Accepted (median) | Accepted (p90) | Per-round medians | Refused (median) | Per-round medians |
|---|---|---|---|---|---|
${sizeRow(small)}
${sizeRow(large)}

Ratio 50,000 / 500, accepted, median of all samples: **${ratio(sizeRatio)}** (target: at most ${MAX_SIZE_RATIO}) — ${verdict(sizeRatio <= MAX_SIZE_RATIO)}.
Per round: ${spread(sizeRatioByRound, ratio)} (median ${ratio(median(sizeRatioByRound))}); the target is met in ${sizeRatioByRound.filter((value) => value <= MAX_SIZE_RATIO).length} of ${VALIDATION.rounds} rounds.
Refused changes, 50,000 / 500: ${ratio(refusedSizeRatio)}.

### ${CLIENTS} clients on one project document

${WRITERS} admins write, 1 client measures, ${CLIENTS - WRITERS - 1} more are connected and receive every
update. Each run starts a server process of its own; the clients share the benchmark's process.
Throughput: after a warm-up of ${WARMUP_PER_WRITER} changes per writer and a ${PAUSE_MS / 1000} s pause, ${BURST_PER_WRITER} role
changes per writer (${BURST_PER_WRITER * WRITERS} in all) sent at once, until the measuring client has seen
all of them; the server's CPU time over the same span, per change. Latency: author to the
measuring client, at about ${PACED_RATE} changes per second for ${PACED_SECONDS} s, which is
${((100 * PACED_RATE) / slowest).toFixed(0)}% of the lowest throughput of any run (${slowest.toFixed(0)} changes/s): the lower that share,
the more the latency is the way through the server rather than a queue. The validated server
and the relay baseline are measured in ${LOAD_ROUNDS} rounds, each round running both, the one
that goes first alternating.

What the benchmark server (\`scripts/bench/bench-server.ts\`) is, and where it differs from a
deployment:

- The validated server is \`createApp\` with the default configuration and the **default sync
  limits**, on a fresh data directory; nothing in it is overridden or stubbed.
- Sign-in: the ${CLIENTS} accounts and one session each are written straight into the database
  instead of going through the sign-in routes, which are not what is measured. Every connection
  presents its real session cookie and is checked as in production (the upgrade, and the
  periodic recheck of sessions).
- The document has ${CLIENTS} members, one per client, because only members may open it: the
  cost of a document's size is the subject of the section above.
- The writers stay within the default rate limit (a burst of 200 messages per connection,
  50 per second after it): ${BURST_PER_WRITER} changes each in the burst, after a pause that refills
  their allowance, and ${PACED_RATE / WRITERS} per second each when paced. A larger burst is closed with 4529, which
  is the limit doing its job, not a measure of speed; raising the limit instead would measure a
  server nobody runs.
- The relay baseline (\`scripts/bench/relay.ts\`) applies every update to its copy and sends it
  to every connection, with no authentication, no validation and no persistence.
- All ${CLIENTS} clients run in the benchmark's one Node process, on the same 2 cores as the
  server, so throughput is bounded by the clients as well as the server, the relay's most of
  all: the throughput ratio moves from round to round. The server CPU per change is the
  server's own cost, and the steadier figure.

| Round | Order | Relay (changes/s) | Validated (changes/s) | Throughput, validated / relay | Relay CPU per change | Validated CPU per change | CPU, validated / relay |
|---|---|---|---|---|---|---|---|
${rounds.map(roundRow).join('\n')}

Validated / relay throughput, median of ${LOAD_ROUNDS} rounds: **${ratio(share)}** (range ${spread(shares, ratio)}; target: at least ${MIN_THROUGHPUT_SHARE}) — ${verdict(share >= MIN_THROUGHPUT_SHARE)}; met in ${shares.filter((value) => value >= MIN_THROUGHPUT_SHARE).length} of ${LOAD_ROUNDS} rounds.
Server CPU per change (fan-out to ${CLIENTS} included), validated / relay, median: **${ratio(median(cpuRatios))}** (range ${spread(cpuRatios, ratio)}); validated ${ms(median(rounds.map((round) => round.validated.cpuMsPerChange)))}, relay ${ms(median(rounds.map((round) => round.relay.cpuMsPerChange)))}.
The clients' process meanwhile used ${ms(median(rounds.map((round) => round.validated.clientCpuMsPerChange)))} per change with the validated server and ${ms(median(rounds.map((round) => round.relay.clientCpuMsPerChange)))} with the relay (medians).

| Server | Latency p50, median of rounds (range) | Latency p99, median of rounds (range) |
|---|---|---|
${latencyRow('relay', 'plain relay')}
${latencyRow('validated', 'validated (this server)')}

### Memory

One open 10,000-member project document: ${mb(memory.heapBytes)} of heap, ${mb(memory.rssBytes)} of RSS
(after loading it from SQLite, minus before, after garbage collection).
`
);
process.exit(0);
