/**
 * One data view's workspace as the console shows it: the governed objects of the permission
 * matrix, shared (the view's document, seen by everyone whose scope includes the view) and the
 * signed-in person's own "for self only" items (their private document, seen by nobody else).
 * Like ProjectState, every write is judged first by the server's own rule (`judgeViewChange`),
 * with the author's current role from the project.
 */
import { SvelteMap } from 'svelte/reactivity';
import type * as Y from 'yjs';
import {
	decideCreation,
	DOCUMENT_ROOTS,
	judgeViewChange,
	PERSONAL_ROOTS,
	privateDocument,
	viewDocument,
	type CloseReason,
	type Decision,
	type EntryChange,
	type PersonalRoot,
	type Placement,
	type ViewRoot
} from '../shared';
import type { DocumentSession } from '../sync/document-session';
import type { SyncHub } from '../sync/sync-hub';
import type { ProjectState } from './project.svelte';

/** What every governed object carries. */
export interface StampedEntry {
	id: string;
	createdBy: string;
	createdAt: number;
	updatedBy: string;
	updatedAt: number;
	[field: string]: unknown;
}

const NOT_LOADED: Decision = {
	ok: false,
	code: 'not-a-member',
	message: 'The data view has not loaded yet.'
};

export function isPersonalRoot(root: string): root is PersonalRoot {
	return Object.hasOwn(PERSONAL_ROOTS, root);
}

export class ViewState {
	readonly shared = new SvelteMap<string, SvelteMap<string, StampedEntry>>();
	readonly personal = new SvelteMap<string, SvelteMap<string, StampedEntry>>();
	loaded = $state(false);
	/** Why the server will not serve this view to the person (its document was closed for good). */
	unavailable = $state<CloseReason | null>(null);
	readonly #names: { shared: string; personal: string };
	readonly #stops: Array<() => void> = [];
	readonly #sessions: { shared: DocumentSession; personal: DocumentSession };

	constructor(
		private readonly hub: SyncHub,
		private readonly project: ProjectState,
		readonly viewId: string
	) {
		const { projectId, myAccountId } = project;
		this.#names = {
			shared: viewDocument(projectId, viewId),
			personal: privateDocument(projectId, viewId, myAccountId)
		};
		this.#sessions = {
			shared: hub.open(this.#names.shared),
			personal: hub.open(this.#names.personal)
		};
		for (const root of Object.keys(DOCUMENT_ROOTS.view))
			this.#mirror(this.#sessions.shared, root, this.shared);
		for (const root of Object.keys(PERSONAL_ROOTS))
			this.#mirror(this.#sessions.personal, root, this.personal);
		const markLoaded = () => {
			if (this.#sessions.shared.synced) this.loaded = true;
		};
		this.#sessions.shared.on('synced', markLoaded);
		void this.#sessions.shared.localCopy?.whenSynced.then(() => {
			if (this.#sessions.shared.map('lexicon').size > 0) this.loaded = true;
		});
		markLoaded();
		this.#stops.push(() => this.#sessions.shared.off('synced', markLoaded));
		for (const session of Object.values(this.#sessions)) {
			const closed = (reason: CloseReason) => {
				if (!reason.reconnect) this.unavailable = reason;
			};
			session.on('closed', closed);
			this.#stops.push(() => session.off('closed', closed));
			if (session.closedFor && !session.closedFor.reconnect) this.unavailable = session.closedFor;
		}
	}

	destroy(): void {
		this.#stops.forEach((stop) => stop());
		this.hub.release(this.#names.shared);
		this.hub.release(this.#names.personal);
	}

	#mirror(
		session: DocumentSession,
		root: string,
		into: SvelteMap<string, SvelteMap<string, StampedEntry>>
	): void {
		const mirror = new SvelteMap<string, StampedEntry>();
		into.set(root, mirror);
		const map = session.map<StampedEntry>(root);
		const copy = (key: string) => {
			const value = map.get(key);
			if (value === undefined) mirror.delete(key);
			else mirror.set(key, value);
		};
		for (const key of map.keys()) copy(key);
		const observer = (event: Y.YMapEvent<StampedEntry>) => event.keysChanged.forEach(copy);
		map.observe(observer);
		this.#stops.push(() => map.unobserve(observer));
	}

	/** The entries of a root: shared ones, then (for personal roots) the person's own. */
	entries(root: ViewRoot): Array<{ entry: StampedEntry; placement: Placement }> {
		const shared = [...(this.shared.get(root)?.values() ?? [])].map((entry) => ({
			entry,
			placement: 'shared' as const
		}));
		const personal = isPersonalRoot(root)
			? [...(this.personal.get(root)?.values() ?? [])].map((entry) => ({
					entry,
					placement: 'private' as const
				}))
			: [];
		return [...shared, ...personal].sort((a, b) =>
			String(a.entry.name ?? '').localeCompare(String(b.entry.name ?? ''))
		);
	}

	entry(root: ViewRoot, placement: Placement, id: string): StampedEntry | undefined {
		return (placement === 'shared' ? this.shared : this.personal).get(root)?.get(id);
	}

	/** What the server would decide about this change, by its own rule. */
	decide(placement: Placement, change: EntryChange): Decision {
		const member = this.project.me;
		if (!member) return NOT_LOADED;
		return judgeViewChange(
			{ accountId: this.project.myAccountId, role: member.role },
			placement,
			change,
			{ facts: this.project, viewId: this.viewId }
		);
	}

	/** Whether the signed-in person may create entries of this root here at all. */
	decideCreation(placement: Placement, root: ViewRoot): Decision {
		const member = this.project.me;
		if (!member) return NOT_LOADED;
		return decideCreation(
			{ accountId: this.project.myAccountId, role: member.role },
			placement,
			root
		);
	}

	/** Writes the change if the policy allows it; the Decision says what happened. */
	write(placement: Placement, change: EntryChange): Decision {
		const decision = this.decide(placement, change);
		if (!decision.ok) return decision;
		const session = placement === 'shared' ? this.#sessions.shared : this.#sessions.personal;
		const map = session.map(change.root);
		if (change.after === undefined) map.delete(change.key);
		else map.set(change.key, change.after);
		return decision;
	}

	/**
	 * Whether the person may change this entry, judged on the change `patch` makes (with no patch:
	 * any edit at all, as the entry's Edit button asks before the fields are chosen).
	 */
	decideEdit(
		placement: Placement,
		root: ViewRoot,
		entry: StampedEntry,
		patch: Partial<StampedEntry> = {}
	): Decision {
		return this.decide(placement, this.#edit(root, entry, patch));
	}

	/** Changes the entry by `patch`, restamped, if the policy allows it. */
	edit(
		placement: Placement,
		root: ViewRoot,
		entry: StampedEntry,
		patch: Partial<StampedEntry>
	): Decision {
		return this.write(placement, this.#edit(root, entry, patch));
	}

	/** Whether the person may delete this entry. */
	decideRemoval(placement: Placement, root: ViewRoot, entry: StampedEntry): Decision {
		return this.decide(placement, this.#removal(root, entry));
	}

	/** Deletes the entry if the policy allows it. */
	remove(placement: Placement, root: ViewRoot, entry: StampedEntry): Decision {
		return this.write(placement, this.#removal(root, entry));
	}

	#edit(root: ViewRoot, entry: StampedEntry, patch: Partial<StampedEntry>): EntryChange {
		return { root, key: entry.id, before: entry, after: { ...this.restamp(entry), ...patch } };
	}

	#removal(root: ViewRoot, entry: StampedEntry): EntryChange {
		return { root, key: entry.id, before: entry, after: undefined };
	}

	/** A new entry's stamps, by the signed-in person, now. */
	stamp(
		id: string
	): Pick<StampedEntry, 'id' | 'createdBy' | 'createdAt' | 'updatedBy' | 'updatedAt'> {
		const now = Date.now();
		const me = this.project.myAccountId;
		return { id, createdBy: me, createdAt: now, updatedBy: me, updatedAt: now };
	}

	/** An edited entry's stamps: the creator stays, the editor and time change. */
	restamp(entry: StampedEntry): StampedEntry {
		return { ...entry, updatedBy: this.project.myAccountId, updatedAt: Date.now() };
	}
}
