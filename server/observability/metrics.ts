/**
 * The server's metrics, in Prometheus' text format, for an operator to alert on: sync
 * connections and documents in memory, messages and changes by verdict and reason, how long
 * validation and storage take, the mail queue and its failures, rate-limit refusals, and Node's
 * own process metrics (prom-client's). Served at /metrics only to whoever may read them
 * (metrics-route.ts).
 *
 * Counting sits on the path of every change, so what the parts report is tallied in plain numbers
 * kept for the purpose: a message adds to a few of them and bumps a histogram bucket, allocating
 * nothing (prom-client's own counters and histograms build a label key and objects on every call:
 * a labelled histogram observation costs microseconds). The tallies are written out only when
 * Prometheus asks, beside prom-client's process metrics; the gauges are read then from the parts
 * that hold the truth, so keeping them costs nothing in between.
 *
 * Metrics are kept only when they are served: otherwise the parts get `UNMEASURED`, which counts
 * nothing.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { REASON_CODES, type ReasonCode } from '../../src/lib/shared/policy/decision';

/** A message of changes as the sync layer judged it (its `ReceiveOutcome`). */
export interface JudgedMessage {
	/** `applied`: through the door and judged; `reset`: refused at the door; `failed`: a fault of ours. */
	kind: 'applied' | 'reset' | 'failed';
	/** Changes accepted (applied messages). */
	accepted?: number;
	rejected: ReadonlyArray<{ code: ReasonCode }>;
}

export type StoreOperation = 'load' | 'append' | 'compact';

/** What the parts of the server report. */
export interface Metrics {
	/** A sync step 2 or update was judged. */
	messageJudged(message: JudgedMessage): void;
	/** Seconds from a message's arrival to its verdict, before it is stored and broadcast. */
	validated(seconds: number): void;
	/** Seconds one operation of the document store took. */
	stored(operation: StoreOperation, seconds: number): void;
	mailSent(): void;
	/** A delivery attempt failed; it is tried again later, or the message is given up. */
	mailFailed(outcome: MailFailure): void;
	/** A rate limit or a connection limit refused a request or a message. */
	limitRefused(limit: string): void;
	/** A client was sent a document's stored state while the server still loaded it (docs/sync.md). */
	sentFromStore(): void;
}

export type MailFailure = 'retrying' | 'given-up';

/** The parts that hold the gauges' values, read at each scrape. */
export interface GaugeSources {
	connections(): number;
	openDocuments(): number;
	queuedMail(): number;
}

export interface MetricsRegistry extends Metrics {
	readGaugesFrom(sources: GaugeSources): void;
	/** Every metric, in the Prometheus text format. */
	exposition(): Promise<string>;
	readonly contentType: string;
}

/** Counts nothing: for a server whose metrics nobody reads, and for the admin command. */
export const UNMEASURED: Metrics = {
	messageJudged: () => undefined,
	validated: () => undefined,
	stored: () => undefined,
	mailSent: () => undefined,
	mailFailed: () => undefined,
	limitRefused: () => undefined,
	sentFromStore: () => undefined
};

/** Seconds: a validation takes about a millisecond; loading a large document, seconds. */
const SHORT = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const LONG = [...SHORT, 2.5, 5, 10];

export function createMetrics(): MetricsRegistry {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });

	const messages = { accepted: 0, refused: 0, reset: 0, failed: 0 };
	let acceptedChanges = 0;
	const refusedChanges = new Float64Array(REASON_CODES.length);
	const reasonIndex = new Map<string, number>(REASON_CODES.map((code, index) => [code, index]));
	const validation = new Buckets(SHORT);
	const persistence: Record<StoreOperation, Buckets> = {
		load: new Buckets(LONG),
		append: new Buckets(LONG),
		compact: new Buckets(LONG)
	};
	let mailSent = 0;
	const mailFailures: Record<MailFailure, number> = { retrying: 0, 'given-up': 0 };
	const limitRefusals = new Map<string, number>();
	let sentFromStore = 0;
	let sources: GaugeSources | null = null;

	const ours = (): string[] => [
		...(sources
			? [
					gauge('console_sync_connections', 'Open sync connections (WebSockets).', [
						[{}, sources.connections()]
					]),
					gauge(
						'console_sync_open_documents',
						'Documents held in memory, including those waiting to be unloaded.',
						[[{}, sources.openDocuments()]]
					),
					gauge(
						'console_mail_queue_length',
						'Messages waiting in the outbox to be sent, retries included.',
						[[{}, sources.queuedMail()]]
					)
				]
			: []),
		counter(
			'console_sync_messages_total',
			'Sync messages carrying changes (step 2, update), by verdict: accepted (every change), refused (at least one change), reset (refused at the door, connection reset), failed (a fault of the server).',
			Object.entries(messages).map(([verdict, count]) => [{ verdict }, count])
		),
		counter(
			'console_sync_changes_total',
			'Entry changes clients sent, by verdict (accepted, refused) and the policy reason of a refusal.',
			[
				[{ verdict: 'accepted' }, acceptedChanges],
				...REASON_CODES.map((reason, index): Sample => [
					{ verdict: 'refused', reason },
					refusedChanges[index]!
				])
			]
		),
		histogram(
			'console_sync_validation_seconds',
			'From a message of changes arriving to its verdict: the door, applying, the policy, reverts.',
			[[{}, validation]]
		),
		histogram(
			'console_sync_persistence_seconds',
			'Document store operations: load (a whole document), append (one update), compact.',
			Object.entries(persistence).map(([operation, buckets]) => [{ operation }, buckets])
		),
		counter(
			'console_sync_states_sent_from_store_total',
			'Clients sent a document as stored while the server still loaded it, instead of after.',
			[[{}, sentFromStore]]
		),
		counter('console_mail_sent_total', 'Messages delivered to the SMTP server.', [[{}, mailSent]]),
		counter(
			'console_mail_failures_total',
			'Failed delivery attempts, by outcome: retrying later, or given up.',
			Object.entries(mailFailures).map(([outcome, count]) => [{ outcome }, count])
		),
		counter(
			'console_rate_limit_refusals_total',
			'Requests and sync messages refused by a rate or connection limit, by limit.',
			[...limitRefusals].map(([limit, count]) => [{ limit }, count])
		)
	];

	return {
		messageJudged(message) {
			const { rejected } = message;
			if (message.kind !== 'applied') messages[message.kind] += 1;
			else if (rejected.length > 0) messages.refused += 1;
			else messages.accepted += 1;
			acceptedChanges += message.accepted ?? 0;
			for (let index = 0; index < rejected.length; index++)
				refusedChanges[reasonIndex.get(rejected[index]!.code)!]! += 1;
		},
		validated: (seconds) => validation.observe(seconds),
		stored: (operation, seconds) => persistence[operation].observe(seconds),
		mailSent: () => {
			mailSent += 1;
		},
		mailFailed: (outcome) => {
			mailFailures[outcome] += 1;
		},
		limitRefused: (limit) => {
			limitRefusals.set(limit, (limitRefusals.get(limit) ?? 0) + 1);
		},
		sentFromStore: () => {
			sentFromStore += 1;
		},
		readGaugesFrom(given) {
			sources = given;
		},
		exposition: async () => `${ours().join('\n\n')}\n\n${await registry.metrics()}`,
		contentType: registry.contentType
	};
}

/** A histogram in plain numbers: an observation bumps one bucket, allocating nothing. */
class Buckets {
	readonly counts: Float64Array;
	sum = 0;
	count = 0;

	constructor(readonly bounds: readonly number[]) {
		this.counts = new Float64Array(bounds.length);
	}

	observe(value: number): void {
		const { bounds } = this;
		let index = 0;
		while (index < bounds.length && value > bounds[index]!) index += 1;
		if (index < bounds.length) this.counts[index]! += 1;
		this.sum += value;
		this.count += 1;
	}
}

// ---- the text format (https://prometheus.io/docs/instrumenting/exposition_formats/) ----------

type Labels = Record<string, string>;
type Sample = [Labels, number];

function counter(name: string, help: string, samples: Sample[]): string {
	return family(
		name,
		help,
		'counter',
		samples.map(([labels, value]) => line(name, labels, value))
	);
}

function gauge(name: string, help: string, samples: Sample[]): string {
	return family(
		name,
		help,
		'gauge',
		samples.map(([labels, value]) => line(name, labels, value))
	);
}

/** Cumulative buckets, `+Inf`, sum and count, per series. */
function histogram(name: string, help: string, series: Array<[Labels, Buckets]>): string {
	const lines = series.flatMap(([labels, buckets]) => {
		let below = 0;
		return [
			...buckets.bounds.map((bound, index) => {
				below += buckets.counts[index]!;
				return line(`${name}_bucket`, { ...labels, le: String(bound) }, below);
			}),
			line(`${name}_bucket`, { ...labels, le: '+Inf' }, buckets.count),
			line(`${name}_sum`, labels, buckets.sum),
			line(`${name}_count`, labels, buckets.count)
		];
	});
	return family(name, help, 'histogram', lines);
}

function family(name: string, help: string, type: string, lines: string[]): string {
	return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join('\n');
}

function line(name: string, labels: Labels, value: number): string {
	const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabel(text)}"`);
	return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${value}`;
}

function escapeLabel(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
