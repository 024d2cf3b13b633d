/**
 * The cost of the validating step, `LiveDocument.receive`, for a one-member change, in project
 * documents of several sizes, with every extension the real server declares: the app is created
 * with `createApp` (default configuration, not listening) and its registry used as the sync
 * endpoint uses it.
 *
 * The sizes are measured interleaved in one process after a shared warm-up: in rounds, within a
 * round the sizes take turns change by change, and the size that goes first alternates from one
 * round to the next. JIT warm-up, the garbage collector's work on the larger heap and a
 * neighbour's load on this shared machine then fall on every size alike: the order of the runs
 * cannot decide the ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/observability/log';
import { readConfig } from '../../server/config';
import { DEFAULT_SYNC_LIMITS } from '../../server/sync/limits';
import type { LiveDocument, Peer } from '../../server/sync/live-document';
import type { DocumentRegistry } from '../../server/sync/registry';
import { projectDocument, type Member } from '../../src/lib/shared';
import { createBenchProject } from './project-fixture';

export interface ValidationPlan {
	sizes: readonly number[];
	/** Accepted and refused changes per size before any is timed. */
	warmup: number;
	rounds: number;
	/** Accepted and refused changes per size and round. */
	perRound: number;
}

/** Milliseconds per change, one array per round. */
export interface ValidationSamples {
	size: number;
	accepted: number[][];
	refused: number[][];
}

/** The bench project of the `index`th size, and what its Consumers' account ids start with. */
function benchProject(index: number): { id: string; consumers: string } {
	return { id: `bench${index}`, consumers: `p${index}m` };
}

export async function measureValidationCost(plan: ValidationPlan): Promise<ValidationSamples[]> {
	const dataDir = mkdtempSync(join(tmpdir(), 'bench-validate-'));
	const config = readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
	const log = createLogger({ level: 'warn', format: 'readable' }, process.stderr);
	const builder = createApp(config, { log });
	// Nobody is a member of two of them: a change in one finds no user document the other loaded.
	plan.sizes.forEach((size, index) =>
		createBenchProject(builder.db, builder.registry, size, benchProject(index))
	);
	// A restart: the projects then load from SQLite as in production, and nobody's user document
	// is in memory, so that each accepted change loads the user document of the member it changes
	// (the projection of memberships into user documents), as for somebody who is not online.
	await builder.close();
	const app = createApp(config, { log });
	const benches = plan.sizes.map((size, index) => new ChangeTimer(app.registry, size, index));

	// Synchronous from here to the end of the rounds, so that no timer runs in between (the
	// registry unloading idle documents, the mailer): every sample meets the same conditions.
	for (let index = 0; index < plan.warmup; index++) {
		for (const bench of benches) {
			bench.accepted();
			bench.refused();
		}
	}
	const samples = benches.map((bench): ValidationSamples => ({
		size: bench.size,
		accepted: [],
		refused: []
	}));
	for (let round = 0; round < plan.rounds; round++) {
		const order = round % 2 === 0 ? benches : [...benches].reverse();
		const accepted = benches.map((): number[] => []);
		const refused = benches.map((): number[] => []);
		for (let index = 0; index < plan.perRound; index++) {
			for (const bench of order) {
				const at = benches.indexOf(bench);
				accepted[at]!.push(bench.accepted());
				refused[at]!.push(bench.refused());
			}
		}
		samples.forEach((figures, at) => {
			figures.accepted.push(accepted[at]!);
			figures.refused.push(refused[at]!);
		});
	}

	for (const bench of benches) bench.release();
	await app.close();
	rmSync(dataDir, { recursive: true, force: true });
	return samples;
}

/**
 * Times one project document's `receive` for the two kinds of change: an admin changes the role
 * of a member nobody changed before in this run, and a Consumer tries to make themselves an admin
 * (judged, reverted and scrubbed). Each author edits a copy of the document, as a client would.
 */
class ChangeTimer {
	readonly #registry: DocumentRegistry;
	readonly #document: LiveDocument;
	readonly #admin: Y.Doc;
	readonly #consumer: Y.Doc;
	readonly #consumers: string;
	/** The next Consumer the admin changes: the second, third, ... (the first is the self-promoter). */
	#nextMember = 2;
	#stamp = 0;

	constructor(
		registry: DocumentRegistry,
		readonly size: number,
		index: number
	) {
		const { id, consumers } = benchProject(index);
		const document = registry.acquire(projectDocument(id));
		if (!document) throw new Error(`project/${id} was not created`);
		this.#consumers = consumers;
		this.#registry = registry;
		this.#document = document;
		this.#admin = this.#copy();
		this.#consumer = this.#copy();
	}

	accepted(): number {
		if (this.#nextMember >= this.size) throw new Error(`too few members in ${this.size}`);
		const key = `${this.#consumers}${this.#nextMember++}`;
		const stamp = ++this.#stamp;
		return this.#time('admin', this.#admin, 'accepted', (members) => {
			const current = members.get(key)!;
			members.set(key, { ...current, role: 'analyst', updatedBy: 'admin', updatedAt: stamp });
		});
	}

	refused(): number {
		const stamp = ++this.#stamp;
		const self = `${this.#consumers}1`;
		return this.#time(self, this.#consumer, 'refused', (members) => {
			const current = members.get(self)!;
			members.set(self, { ...current, role: 'admin', updatedBy: self, updatedAt: stamp });
		});
	}

	release(): void {
		this.#registry.release(this.#document);
	}

	#copy(): Y.Doc {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.#document.doc));
		return doc;
	}

	/** Milliseconds `receive` took for the update `edit` makes in the author's copy. */
	#time(
		authorId: string,
		client: Y.Doc,
		expected: 'accepted' | 'refused',
		edit: (members: Y.Map<Member>) => void
	): number {
		// The client first hears what the server published (the reverts of refused changes).
		const missing = Y.encodeStateAsUpdate(this.#document.doc, Y.encodeStateVector(client));
		Y.applyUpdate(client, missing);
		let update: Uint8Array | null = null;
		const capture = (sent: Uint8Array) => (update = sent);
		client.on('update', capture);
		edit(client.getMap<Member>('members'));
		client.off('update', capture);
		if (!update) throw new Error('the edit changed nothing');
		const start = performance.now();
		const outcome = this.#document.receive(silentPeer(authorId), update, {
			limits: DEFAULT_SYNC_LIMITS
		});
		const elapsed = performance.now() - start;
		const refused = outcome.kind === 'applied' && outcome.rejected.length === 1;
		const accepted = outcome.kind === 'applied' && outcome.accepted === 1 && !refused;
		if (expected === 'accepted' ? !accepted : !refused)
			throw new Error(`a change meant to be ${expected} was not: ${JSON.stringify(outcome)}`);
		return elapsed;
	}
}

/** A connection that hears nothing: what is timed is the validating step, not a socket. */
function silentPeer(accountId: string): Peer {
	return { accountId, send: () => undefined, close: () => undefined };
}
