/**
 * The policy's ProjectFacts over a live project document, with the indexes that keep every
 * question constant-time: members by email, the number of Project Admins, data views by zone.
 * Built once when the document loads (O(members)), then kept up to date change by change.
 *
 * The sync server applies an update before judging it, so `before(changes)` answers as the
 * document stood before the update: the changed entries of every root read their old values, and
 * the indexes are only advanced (`advance`) once the verdicts are final.
 */
import type * as Y from 'yjs';
import {
	PROJECT_SETTINGS_KEY,
	type DataView,
	type EntryChange,
	type Member,
	type ProjectFacts,
	type ProjectInfo,
	type Zone
} from '../../src/lib/shared';

export interface ProjectMaps {
	settings: Y.Map<unknown>;
	zones: Y.Map<unknown>;
	views: Y.Map<unknown>;
	members: Y.Map<unknown>;
}

/** The roots the facts are read from. */
const FACT_ROOTS: ReadonlySet<string> = new Set<keyof ProjectMaps>([
	'settings',
	'zones',
	'views',
	'members'
]);

export class ProjectIndex implements ProjectFacts {
	readonly #maps: ProjectMaps;
	readonly #accountByEmail = new Map<string, string>();
	readonly #viewByZone = new Map<string, string>();
	#admins = 0;

	/** `now`: the server's clock, which the policy judges end dates by. */
	constructor(
		maps: ProjectMaps,
		readonly now: () => number = Date.now
	) {
		this.#maps = maps;
		for (const value of maps.members.values()) this.#addMember(value as Member);
		for (const value of maps.views.values()) this.#addView(value as DataView);
	}

	get project(): ProjectInfo {
		return this.#maps.settings.get(PROJECT_SETTINGS_KEY) as ProjectInfo;
	}

	zone = (zoneId: string) => this.#maps.zones.get(zoneId) as Zone | undefined;
	view = (viewId: string) => this.#maps.views.get(viewId) as DataView | undefined;
	viewOfZone = (zoneId: string) => {
		const viewId = this.#viewByZone.get(zoneId);
		return viewId === undefined ? undefined : this.view(viewId);
	};
	member = (accountId: string) => this.#maps.members.get(accountId) as Member | undefined;
	memberByEmail = (email: string) => {
		const accountId = this.#accountByEmail.get(email.toLowerCase());
		return accountId === undefined ? undefined : this.member(accountId);
	};
	adminCount = () => this.#admins;

	/**
	 * The facts as they stood before `changes`, which the live document already holds. Every root
	 * the facts read is seen as before: a write to a server-only root (settings, zones, views) is
	 * refused, but until it is reverted it must not decide the judgment of the rest of its batch
	 * (switching the mode to escape "admin-protected", making a zone a Network Zone to promote its
	 * user). The indexes are not advanced before the verdicts, so they already answer as before.
	 */
	before(changes: readonly EntryChange[]): ProjectFacts {
		const previous = new Map<keyof ProjectMaps, Map<string, unknown>>();
		for (const change of changes) {
			if (!FACT_ROOTS.has(change.root)) continue;
			const root = change.root as keyof ProjectMaps;
			const values = previous.get(root) ?? previous.set(root, new Map()).get(root)!;
			if (!values.has(change.key)) values.set(change.key, change.before);
		}
		if (previous.size === 0) return this;
		const read = <T>(root: keyof ProjectMaps, key: string): T | undefined => {
			const values = previous.get(root);
			return (values?.has(key) ? values.get(key) : this.#maps[root].get(key)) as T | undefined;
		};
		const view = (viewId: string) => read<DataView>('views', viewId);
		const member = (accountId: string) => read<Member>('members', accountId);
		return {
			project: read<ProjectInfo>('settings', PROJECT_SETTINGS_KEY)!,
			zone: (zoneId) => read<Zone>('zones', zoneId),
			view,
			viewOfZone: (zoneId) => {
				const viewId = this.#viewByZone.get(zoneId);
				return viewId === undefined ? undefined : view(viewId);
			},
			member,
			memberByEmail: (email) => {
				const accountId = this.#accountByEmail.get(email.toLowerCase());
				return accountId === undefined ? undefined : member(accountId);
			},
			adminCount: this.adminCount,
			now: this.now
		};
	}

	/** Moves the indexes past changes that are now part of the document. */
	advance(changes: readonly EntryChange[]): void {
		for (const change of changes) {
			if (change.root === 'members') {
				if (change.before !== undefined) this.#removeMember(change.before as Member);
				if (change.after !== undefined) this.#addMember(change.after as Member);
			} else if (change.root === 'views') {
				if (change.before !== undefined)
					this.#viewByZone.delete((change.before as DataView).zoneId);
				if (change.after !== undefined) this.#addView(change.after as DataView);
			}
		}
	}

	#addMember(member: Member): void {
		this.#accountByEmail.set(member.email, member.accountId);
		if (member.role === 'admin') this.#admins += 1;
	}

	#removeMember(member: Member): void {
		if (this.#accountByEmail.get(member.email) === member.accountId)
			this.#accountByEmail.delete(member.email);
		if (member.role === 'admin') this.#admins -= 1;
	}

	#addView(view: DataView): void {
		if (view.kind === 'institution') this.#viewByZone.set(view.zoneId, view.id);
	}
}
