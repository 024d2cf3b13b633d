/**
 * What the server does in reaction to documents: one ordered list of named extensions, declared
 * where the server is put together (server/app.ts), in the way of Hocuspocus' hooks. The sync core
 * calls them in order after it has made a decision; it never waits for them and never lets one of
 * them undo, skip or delay another, or reach the connection that caused it: a failing extension is
 * logged with its name and the document, and the next one runs.
 */
import type { EntryChange } from '../../src/lib/shared';
import type { LiveDocument, Refusal, Via } from './live-document';

export interface DocumentExtension {
	/** Names the extension in logs. */
	readonly name: string;
	/**
	 * A document was loaded into memory, before anyone uses it: a chance for an index kept elsewhere
	 * (SQL) to check that it is in step with the document, and rebuild itself if not.
	 */
	onLoad?(document: LiveDocument): void;
	/**
	 * The document's stored log was compacted into one snapshot: `document.snapshotStamp` names it
	 * if the server vouched for it. What was in step with the document is in step with it.
	 */
	onCompacted?(document: LiveDocument): void;
	/**
	 * Accepted changes were persisted and broadcast. `authorId` null: the server changed it; `via`
	 * the portal the author's connection came through, if any. Runs inside the synchronous
	 * validating step: it must not await, and its cost must grow with the changes, not with the
	 * document.
	 */
	onAccepted?(
		document: LiveDocument,
		authorId: string | null,
		changes: readonly EntryChange[],
		via: Via | null
	): void;
	/** Changes a client sent were refused, reverted and the revert published (the audit log). */
	onRefused?(
		document: LiveDocument,
		authorId: string,
		refusals: readonly Refusal[],
		via: Via | null
	): void;
}

type Hook = 'onLoad' | 'onCompacted' | 'onAccepted' | 'onRefused';

export interface ExtensionFailure {
	extension: string;
	hook: Hook;
	document: string;
}
type HookArguments<H extends Hook> = Parameters<NonNullable<DocumentExtension[H]>>;

/** The extensions of a registry, called in order, each isolated from the others. */
export class ExtensionList {
	readonly #extensions: DocumentExtension[] = [];

	/** `log` hears of each extension that failed: which, in which hook, on which document. */
	constructor(private readonly log: (failure: ExtensionFailure, error: unknown) => void) {}

	/** Appends extensions; they run after the ones already there. */
	add(...extensions: DocumentExtension[]): void {
		this.#extensions.push(...extensions);
	}

	run<H extends Hook>(hook: H, ...args: HookArguments<H>): void {
		for (const extension of this.#extensions) {
			const handler = extension[hook] as ((...a: HookArguments<H>) => void) | undefined;
			if (!handler) continue;
			try {
				handler.apply(extension, args);
			} catch (error) {
				this.log({ extension: extension.name, hook, document: args[0].name }, error);
			}
		}
	}
}

/** The shapes of the three hooks, for modules that provide one of them. */
export type OnAccepted = NonNullable<DocumentExtension['onAccepted']>;
export type OnRefused = NonNullable<DocumentExtension['onRefused']>;
export type OnLoad = NonNullable<DocumentExtension['onLoad']>;
