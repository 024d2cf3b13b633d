/**
 * `npm run bench:sync [-- --quick] [-- --cold-load | --workload]`: the sync server as it runs, side
 * by side with the servers people would pick instead, and the cold load of large documents; written
 * to docs/performance.md, each part into its own section. `--cold-load` measures the cold load
 * only, `--workload` the clients' runs only.
 *
 * Every server runs in a child process of its own (sync-server-process.ts), so that the clients'
 * work is not counted as the server's. The variants compared are run in rounds, each round running
 * every variant once, the one that goes first moving on from round to round (stats.ts): the order
 * of the runs never decides a figure. Ratios are taken within a round, then their median reported.
 */
import { ADMINS } from './project-fixture';
import { machine, writeSection } from './report';
import { interleavedRounds, median, minimum } from './stats';
import {
	PER_WRITER_RATE,
	SERVER_KINDS,
	WRITERS,
	prepareConsoleData,
	runColdLoad,
	runWorkload,
	type ColdLoadFigures,
	type ServerKind,
	type WorkloadFigures,
	type WorkloadPlan
} from './sync-run';

const quick = process.argv.includes('--quick');
const coldLoadOnly = process.argv.includes('--cold-load');
const workloadOnly = process.argv.includes('--workload');
const ROUNDS = quick ? 1 : 3;
const MEMBERS = 10_000;
const CLIENT_COUNTS = [50, 200] as const;
const COLD_SIZES = [1_000, 10_000, 50_000, 100_000] as const;
/** The documents to prepare: the workload's only, or every cold load's too. */
const SIZES = workloadOnly ? [MEMBERS] : COLD_SIZES;
const PLAN: Omit<WorkloadPlan, 'clients'> = {
	members: MEMBERS,
	warmupChanges: 100,
	pacedRate: 20,
	pacedSeconds: quick ? 3 : 6,
	saturatingSeconds: quick ? 2 : 3,
	drainMs: 2000
};

// ---- measure ---------------------------------------------------------------------------------

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 60_000).toFixed(1)} min`;
console.log(`preparing console data directories (${[...SIZES].join(', ')} members)...`);
const templates = new Map<number, string>();
for (const size of SIZES)
	templates.set(
		size,
		await prepareConsoleData(
			size,
			ADMINS + (size === MEMBERS && !coldLoadOnly ? Math.max(...CLIENT_COUNTS) : 0)
		)
	);

type Variant = { kind: ServerKind; clients: number };
const variants: Variant[] = CLIENT_COUNTS.flatMap((clients) =>
	SERVER_KINDS.map((kind) => ({ kind, clients }))
);
const key = ({ kind, clients }: Variant) => `${kind}@${clients}`;
const workloads = new Map<string, WorkloadFigures[]>();
for (const [round, order] of interleavedRounds(coldLoadOnly ? [] : variants, ROUNDS).entries()) {
	for (const variant of order) {
		console.log(`[${elapsed()}] round ${round + 1}/${ROUNDS}: ${key(variant)}...`);
		const figures = await runWorkload(variant.kind, templates.get(MEMBERS)!, {
			...PLAN,
			clients: variant.clients
		});
		workloads.set(key(variant), [...(workloads.get(key(variant)) ?? []), figures]);
	}
}

const coldLoads = new Map<number, ColdLoadFigures[]>();
for (const [round, order] of interleavedRounds(workloadOnly ? [] : COLD_SIZES, ROUNDS).entries()) {
	for (const size of order) {
		console.log(`[${elapsed()}] cold load round ${round + 1}/${ROUNDS}: ${size} members...`);
		const figures = await runColdLoad(templates.get(size)!, size);
		coldLoads.set(size, [...(coldLoads.get(size) ?? []), figures]);
	}
}
console.log(`measured in ${elapsed()}`);

// ---- summarize -------------------------------------------------------------------------------

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0)) + ' ms';
const count = (value: number) => value.toFixed(0);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
/** "median (min)" of a figure over the rounds. */
const both = (values: number[], format: (value: number) => string) =>
	`${format(median(values))} (${format(minimum(values))})`;

type Figure = (figures: WorkloadFigures) => number;
const FIGURES: Array<{ label: string; of: Figure; format: (value: number) => string }> = [
	{ label: 'paced: CPU per change', of: (f) => f.paced.cpuMsPerChange, format: ms },
	{ label: 'paced: latency p50', of: (f) => f.paced.p50Ms, format: ms },
	{ label: 'paced: latency p99', of: (f) => f.paced.p99Ms, format: ms },
	{
		label: 'paced: written to disk per change',
		of: (f) => f.paced.writeBytesPerChange,
		format: kib
	},
	{ label: 'server heap after the paced phase', of: (f) => f.heapBytes, format: mib },
	{ label: 'server RSS after the paced phase', of: (f) => f.rssBytes, format: mib },
	{
		label: 'saturating: changes/s the driver sent',
		of: (f) => f.saturating.offeredPerSecond,
		format: count
	},
	{
		label: 'saturating: changes/s delivered to all',
		of: (f) => f.saturating.deliveredPerSecond,
		format: count
	},
	{
		label: 'saturating: CPU per delivered change',
		of: (f) => f.saturating.cpuMsPerChange,
		format: ms
	},
	{ label: 'saturating: latency p50 (delivered)', of: (f) => f.saturating.p50Ms, format: ms },
	{ label: 'saturating: latency p99 (delivered)', of: (f) => f.saturating.p99Ms, format: ms },
	{
		label: "saturating: deliveries missing at the window's end",
		of: (f) => f.saturating.missing,
		format: count
	}
];
const LABELS: Record<ServerKind, string> = {
	console: 'this server',
	hocuspocus: 'Hocuspocus 3 + SQLite',
	'y-websocket': 'y-websocket-server 0.1.1'
};

const runsOf = (kind: ServerKind, clients: number) => workloads.get(key({ kind, clients }))!;
/** The median over the rounds of this server's figure divided by a peer's, in the same round. */
const ratioTo = (peer: ServerKind, clients: number, of: Figure) => {
	const ours = runsOf('console', clients);
	const theirs = runsOf(peer, clients);
	return median(ours.map((figures, round) => of(figures) / of(theirs[round]!)));
};
const missing = (kind: ServerKind, clients: number) =>
	runsOf(kind, clients)
		.map((f) => f.paced.missing)
		.join(', ');

const clientSection = (clients: number) => `### ${clients} clients

| Figure, median (min) of ${ROUNDS} | ${SERVER_KINDS.map((kind) => LABELS[kind]).join(' | ')} | this / Hocuspocus | this / y-websocket |
|---|${SERVER_KINDS.map(() => '---|').join('')}---|---|
${FIGURES.map(
	({ label, of, format }) =>
		`| ${label} | ${SERVER_KINDS.map((kind) => both(runsOf(kind, clients).map(of), format)).join(' | ')} | ${ratio(ratioTo('hocuspocus', clients, of))} | ${ratio(ratioTo('y-websocket', clients, of))} |`
).join('\n')}
| paced: deliveries missing at the window's end (each round) | ${SERVER_KINDS.map((kind) => missing(kind, clients)).join(' | ')} | | |
`;

const coldOf = (size: number) => coldLoads.get(size)!;
const coldRatio = (size: number, of: (figures: ColdLoadFigures) => number = (f) => f.firstSyncMs) =>
	median(coldOf(size).map((figures, round) => of(figures) / of(coldOf(1_000)[round]!)));
const firstState = (figures: ColdLoadFigures) => figures.firstStateMs;
const coldRow = (size: number) => {
	const runs = coldOf(size);
	const blocks = runs.map((f) => f.longestBlockMs);
	return `| ${size.toLocaleString('en')} | ${mib(median(runs.map((f) => f.stateBytes)))} | ${both(
		runs.map((f) => f.firstSyncMs),
		ms
	)} | ${ratio(coldRatio(size))} | ${both(runs.map(firstState), ms)} | ${ratio(coldRatio(size, firstState))} | ${ms(median(blocks))} (${ms(Math.max(...blocks))}) | ${mib(median(runs.map((f) => f.heapBytes)))} | ${(median(runs.map((f) => f.heapBytes)) / size).toFixed(0)} B | ${mib(median(runs.map((f) => f.rssBytes)))} |`;
};

if (!coldLoadOnly)
	writeSection(
		'sync',
		`## Sync server (\`npm run bench:sync\`; \`-- --quick\` for a short run, \`-- --workload\` for this part alone; \`BENCH_CPU_PROFILE=<dir>\` for CPU profiles of the paced phase)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}${quick ? ', **with `--quick`** (one round, short phases: indicative only)' : ''}; the whole run took ${elapsed()}.
The machine is shared with other work: single figures are noisy, so each is the median of
${ROUNDS} round${ROUNDS > 1 ? 's' : ''} with the minimum beside it, and each ratio is taken within a round (both sides measured minutes
apart at most) and its median reported. Each round runs every variant once; the one that goes first moves on
by one from round to round (\`scripts/bench/stats.ts\`), so the order of the runs decides no figure.

### What is measured

Each run starts a server in a child process of its own (\`scripts/bench/sync-server-process.ts\`)
on loopback, so that the clients' work is not counted as the server's:

- **this server**: \`createApp\` with the default configuration, every extension it declares
  (revocation, audit and workflow indexes, the projection into user documents, invitation mail,
  the workflow reactions) and the **default sync limits**, on a copy of a data directory made
  with the console's own functions: a ${MEMBERS.toLocaleString('en')}-member project
  (${ADMINS} admins, the rest Consumers), an account and a session (\`createAccount\`,
  \`createSession\`) for each of the first ${ADMINS + Math.max(...CLIENT_COUNTS)} members, who join through every extension
  (their user documents, the indexes). The other members are written into the project document
  without the extensions, as an import of old data would be: projecting 100,000 people into user
  documents one by one would take the whole time budget. Every client presents its session
  cookie and is checked as in production; nothing is overridden. Mail goes to the local outbox
  (no \`SMTP_URL\`): each role change mails the member, as it would in production.
- **Hocuspocus 3** (\`@hocuspocus/server\`) with \`@hocuspocus/extension-sqlite\` (a database
  file on disk, its default debounce), the same ${MEMBERS.toLocaleString('en')} members written into the document when
  it is first loaded.
- **y-websocket-server 0.1.1** (\`@y/websocket-server\`) with its **LevelDB persistence**
  (\`YPERSISTENCE\` set: y-leveldb stores every update), seeded with the same members.

One client driver for all three (\`scripts/bench/sync-clients.ts\`): the y-websocket sync
protocol over \`ws\` in the benchmark's process; for Hocuspocus the same messages framed with the
document's name after an authentication message, as its own provider does. ${WRITERS} admins write
(each holds the document); the other clients receive and read the stamp of every change out of
the updates they are sent. A change is an admin switching a Consumer between Consumer and
Analyst, which this server's policy accepts; each admin changes Consumers of its own, past the
signed-in ones, so that nearly every change projects into a user document nobody has open.

Each run: all clients connect and sync; ${PLAN.warmupChanges} changes warm the server up (not measured); then two
measured phases, each followed by a window of ${PLAN.drainMs / 1000} s for its deliveries:

- **paced**: ${PLAN.pacedRate} changes/s for ${PLAN.pacedSeconds} s, below every server's saturation. CPU time and
  bytes written are counted until ${PLAN.drainMs / 1000} s after the window (Hocuspocus stores a document 2 s after its last
  change), per change.
- **saturating**: ${WRITERS} × ${PER_WRITER_RATE} = ${WRITERS * PER_WRITER_RATE} changes/s planned for ${PLAN.saturatingSeconds} s, the most this server's default limit lets
  ${WRITERS} connections send (50 messages/s each). The driver shares the machine and may send slower
  (its actual rate is shown). CPU time until the window closes, per change delivered to every
  receiver by then; latencies of what was delivered; the rest is missing. The server is then
  stopped, whatever it still has queued. All the clients live in the benchmark's one process,
  which reads every delivery out of every update: with 200 clients that process, not only the
  server, bounds what is delivered, for every server alike.

Figures: the server process's CPU time (utime + stime of \`/proc/<pid>/stat\`, read by the
benchmark so that a busy server does not delay the reading; 10 ms ticks); latency from the change
made at its writer to its receipt at every receiving client (p50, p99 over all receipts); bytes
the server process caused to be written to storage (\`write_bytes\` of \`/proc/<pid>/io\`);
deliveries that had not arrived when the window closed (changes × receiving clients − receipts;
should be 0 when paced). Memory: the server process's heap (after garbage collection) and RSS
after the paced phase, every client connected. Ratios: this server's figure over the peer's, in
the same round, median over the rounds.

${CLIENT_COUNTS.map(clientSection).join('\n')}`
	);

if (!workloadOnly)
	writeSection(
		'sync-cold-load',
		`### Cold load (\`npm run bench:sync -- --cold-load\` measures this part alone)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}${quick ? ', **with `--quick`** (one round: indicative only)' : ''}; the whole run took ${elapsed()}.

A server process starts on a copy of a data directory holding one project of the given size,
made as for the runs above: ${ADMINS} admins with accounts, the rest written into the document as an
import would write them, then the server started once, which brings its SQL indexes in step with
the document (the extensions' load checks), as the first start after an import does. One admin
then opens the project's document, which nobody has opened since the start. **State sent**: the
bytes of the document's state the client received. **First sync**: from
opening the socket to the client having applied the server's full state (the client's own
decoding included: a Y.Doc in the benchmark's process). **First state**: from opening the socket
to the first message carrying the document's state (an update, or the sync step 2), what the
server's side takes before the client can start decoding. **Longest block**: the longest the server's event loop was busy at a time
until the server has the document loaded and the connection open (it then asks for the client's state) (\`monitorEventLoopDelay\` in the server process), that is the longest any other
connection of the process waited while the document loaded and synced. **Memory per document**:
the server's heap and RSS once loaded and synced minus before the connection, after garbage collection.
Sizes interleaved in ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; ratios to 1,000 members taken within a round (target:
50,000 / 1,000 at most 5).

What grows with the document: the server reads its stored snapshot and applies it, a slice at a
time (docs/sync.md, Persistence); the client decodes the same bytes. The client need not wait for
the server to apply it: a member who has nothing is sent the snapshot as stored as soon as it is
read, the membership index (in step with that snapshot) saying they may read it (docs/sync.md,
"Answered while it loads"), and decodes it while the server applies it. What does not grow (a
connection, a session check, the first use of the code) is most of what the 1,000-member load
takes. The server sends the snapshot's chunks as stored, nothing encoded; and neither reads the
entries through their schema again (the snapshot is one the server vouched for) nor checks the SQL
indexes against them (they are stamped in step with it).

| Members | State sent | First sync, median (min) | / 1,000 members | First state, median (min) | / 1,000 members | Longest block, median (max) | Heap per document | Heap per member | RSS per document |
|---|---|---|---|---|---|---|---|---|---|
${COLD_SIZES.map(coldRow).join('\n')}

Ratio 50,000 / 1,000 (target: at most 5) of the first state, what the server takes before the
client can start decoding: **${ratio(coldRatio(50_000, firstState))}** — ${coldRatio(50_000, firstState) <= 5 ? 'met' : '**not met**'}. Of the first sync, the
client's own decoding included: **${ratio(coldRatio(50_000))}** — ${coldRatio(50_000) <= 5 ? 'met' : '**not met**'}. After the first state, the client decodes
the whole document in its own process (it applies every chunk into its Y.Doc, which also encodes
it again for the document's update listeners, as y-websocket's and y-indexeddb's are in a browser):
that grows with the bytes sent and no server can shorten it, while at 1,000 members there is
little to decode and the fixed cost of a connection is what remains.
`
	);
process.exit(0);
