/**
 * The documents the server holds in memory. A document is loaded on first use (synchronously: the
 * whole log is read and applied before its first message is handled), shared by every connection
 * to it, and unloaded some time after the last one leaves. A data view or private document holds
 * its project document loaded, because judging its changes needs the author's current role.
 */
import {
	deny,
	inviteesFrom,
	judgeProjectBatch,
	judgeViewChange,
	parseDocumentName,
	projectDocument,
	scopeIncludes,
	type Decision,
	type DocumentKind,
	type DocumentName,
	type KindOf,
	type EntryChange,
	type Invitees
} from '../../src/lib/shared';
import { CLOSE } from '../../src/lib/shared';
import { ExtensionList, type DocumentExtension } from './extensions';
import {
	LiveDocument,
	type DocumentHooks,
	type DocumentOf,
	type Judge,
	type LiveDocumentOptions,
	type Refusal,
	type RootMaps,
	type Via
} from './live-document';
import type { DocumentStore } from './persistence';

export interface ProjectDirectory {
	projectExists(projectId: string): boolean;
	/**
	 * The zones of the consortium that the account with this address is known to belong to (SQL
	 * `zone_people`): what the policy needs to refuse inviting a person into another zone.
	 */
	zonesOfPerson(email: string, consortiumId: string): readonly string[];
}

export interface RegistryOptions extends LiveDocumentOptions {
	/**
	 * How long an unused document stays in memory, so that a page reload does not reload it.
	 * @default 30000
	 */
	unloadAfterMs?: number;
}

interface Entry {
	document: LiveDocument;
	holds: number;
	project: LiveDocument | null;
	unloadTimer: ReturnType<typeof setTimeout> | null;
}

export class DocumentRegistry implements DocumentHooks {
	readonly #extensions = new ExtensionList();
	readonly #entries = new Map<string, Entry>();
	readonly #store: DocumentStore;
	readonly #projects: ProjectDirectory;
	readonly #options: RegistryOptions;

	constructor(store: DocumentStore, projects: ProjectDirectory, options: RegistryOptions = {}) {
		this.#store = store;
		this.#projects = projects;
		this.#options = options;
	}

	/**
	 * Appends extensions, which hear of every document loaded, every accepted change (by a client,
	 * or by the server with author null) and every refused one, in the order they were added.
	 */
	use(...extensions: DocumentExtension[]): this {
		this.#extensions.add(...extensions);
		return this;
	}

	accepted(
		document: LiveDocument,
		authorId: string | null,
		changes: readonly EntryChange[],
		via: Via | null
	): void {
		this.#extensions.run('onAccepted', document, authorId, changes, via);
	}

	refused(
		document: LiveDocument,
		authorId: string,
		refusals: readonly Refusal[],
		via: Via | null
	): void {
		this.#extensions.run('onRefused', document, authorId, refusals, via);
	}

	/** Drops a document that no longer matches its log; the next use loads it again. */
	broken(document: LiveDocument): void {
		const entry = this.#entries.get(document.name);
		if (!entry || entry.document !== document) return;
		this.#entries.delete(document.name);
		if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
		for (const peer of [...document.peers]) peer.close(CLOSE.serverRestart);
		document.destroy();
		if (entry.project) this.release(entry.project);
	}

	/**
	 * The live document named `name`, held until `release`; null when there is no such document.
	 * Its kind is the one its name's type says: the document was made from that name.
	 */
	acquire<N extends string>(name: N): DocumentOf<KindOf<N>> | null {
		return this.#acquire(name) as DocumentOf<KindOf<N>> | null;
	}

	#acquire(name: string): LiveDocument | null {
		const existing = this.#entries.get(name);
		if (existing) {
			existing.holds += 1;
			if (existing.unloadTimer) clearTimeout(existing.unloadTimer);
			existing.unloadTimer = null;
			return existing.document;
		}
		const address = parseDocumentName(name);
		if (!address) return null;
		let project: LiveDocument | null = null;
		if (address.kind !== 'user') {
			project =
				address.kind === 'project' ? null : this.#acquire(projectDocument(address.projectId));
			const exists =
				address.kind === 'project'
					? this.#projects.projectExists(address.projectId)
					: project?.index?.view(address.viewId);
			if (!exists) {
				if (project) this.release(project);
				return null;
			}
		}
		let document: LiveDocument | null = null;
		try {
			document = new LiveDocument(
				name,
				address,
				this.#store,
				this,
				(doc) => this.#rules(doc, address, project),
				this.#options
			);
			this.#entries.set(name, { document, holds: 1, project, unloadTimer: null });
			document.applyRepairs();
		} catch (error) {
			// A log that does not load, or a repair that cannot be stored: nothing is held.
			if (document && this.#entries.get(name)?.document === document) this.#entries.delete(name);
			document?.destroy();
			if (project) this.release(project);
			throw error;
		}
		this.#extensions.run('onLoad', document);
		return document;
	}

	release(document: LiveDocument): void {
		const entry = this.#entries.get(document.name);
		if (!entry || entry.document !== document) return;
		entry.holds -= 1;
		if (entry.holds > 0) return;
		entry.unloadTimer = setTimeout(
			() => this.#unload(entry),
			this.#options.unloadAfterMs ?? 30_000
		);
		entry.unloadTimer.unref();
	}

	/**
	 * A trusted server-side change, loading the document for its duration; null if it does not
	 * exist. `authorId`: made for that person, after the server judged it (`LiveDocument.change`).
	 */
	change<N extends string>(
		name: N,
		edit: (roots: RootMaps<KindOf<N>>) => void,
		authorId: string | null = null
	): EntryChange[] | null {
		const document = this.acquire(name);
		if (!document) return null;
		try {
			// The document was made from this name, so it has the roots its kind names.
			return document.change(edit as (roots: RootMaps<DocumentKind>) => void, authorId);
		} finally {
			this.release(document);
		}
	}

	/**
	 * What is known of the zones of addresses invited to this project: the zones claiming their
	 * domains, else the zones the server knows their person to belong to (SQL `zone_people`).
	 */
	invitees(project: DocumentOf<'project'>): Invitees {
		return inviteesFrom(
			() => project.root('zones').values(),
			(email) => this.#projects.zonesOfPerson(email, project.index!.project.consortiumId)
		);
	}

	/** Reads a document, loading it for the duration; null if it does not exist. */
	read<N extends string, T>(name: N, reader: (document: DocumentOf<KindOf<N>>) => T): T | null {
		const document = this.acquire(name);
		if (!document) return null;
		try {
			return reader(document);
		} finally {
			this.release(document);
		}
	}

	/** The loaded documents of a project: its project document, its views' and private ones. */
	*documentsOfProject(projectId: string): Iterable<LiveDocument> {
		for (const { document } of this.#entries.values()) {
			const address = document.address;
			if (address.kind !== 'user' && address.projectId === projectId) yield document;
		}
	}

	get<N extends string>(name: N): DocumentOf<KindOf<N>> | undefined {
		return this.#entries.get(name)?.document as DocumentOf<KindOf<N>> | undefined;
	}

	#unload(entry: Entry): void {
		if (entry.holds > 0 || this.#entries.get(entry.document.name) !== entry) return;
		this.#entries.delete(entry.document.name);
		entry.document.compact();
		entry.document.destroy();
		if (entry.project) this.release(entry.project);
	}

	/** Compacts and unloads every document (server shutdown). */
	close(): void {
		for (const entry of [...this.#entries.values()]) {
			if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
			entry.holds = 0;
			this.#unload(entry);
		}
	}

	#rules(document: LiveDocument, address: DocumentName, project: LiveDocument | null): Judge {
		switch (address.kind) {
			case 'project':
				return (authorId, changes) => {
					const facts = document.index!.before(changes);
					const invitees = this.invitees(document as DocumentOf<'project'>);
					return judgeProjectBatch(facts, authorId, changes, invitees).map(
						(verdict) => verdict.decision
					);
				};
			case 'view':
			case 'private': {
				const placement = address.kind === 'view' ? 'shared' : 'private';
				return (authorId, changes) => {
					const member = project!.index!.member(authorId);
					const mayWrite =
						member &&
						scopeIncludes(member.scope, address.viewId) &&
						(address.kind === 'view' || address.accountId === authorId);
					if (!mayWrite)
						return changes.map(() =>
							deny('not-a-member', 'You no longer have access to this data view.')
						);
					const view = { facts: project!.index!, viewId: address.viewId };
					return changes.map((change) =>
						judgeViewChange({ accountId: authorId, role: member.role }, placement, change, view)
					);
				};
			}
			case 'user':
				return (_, changes) =>
					changes.map((): Decision =>
						deny('server-only', 'Your account document is maintained by the server.')
					);
		}
	}
}
