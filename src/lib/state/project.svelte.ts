/**
 * One project as the console shows it: the project document's maps mirrored into Svelte state
 * (updated entry by entry as changes arrive, so that 10,000 members cost nothing per change), the
 * policy's facts over them, the people here now (presence), and the actions an admin takes. Every
 * action is judged by the same function the server uses (`judgeProjectChange`) before it is
 * written, so the console never writes what the server would refuse; a refusal comes back as the
 * Decision to show. What each person may do, row by row, is `member-permissions.ts`.
 */
import { SvelteMap } from 'svelte/reactivity';
import type * as Y from 'yjs';
import { nextAssignment } from '../member-permissions';
import {
	ALLOW,
	deny,
	membershipNews,
	inviteesFrom,
	judgeProjectBatch,
	judgeProjectChange,
	newId,
	PROJECT_SETTINGS_KEY,
	projectDocument,
	withResendRequested,
	queuedInvite,
	type AccessRequest,
	type CloseReason,
	type DataView,
	type Decision,
	type EntryChange,
	type HandoverKind,
	type HandoverRequest,
	type Invite,
	type Invitees,
	type Member,
	type MembershipNews,
	type Presence,
	type ProjectFacts,
	type ProjectInfo,
	type Role,
	type Scope,
	type StepDownRole,
	type Zone
} from '../shared';
import type { DocumentSession } from '../sync/document-session';
import type { SyncHub } from '../sync/sync-hub';

type Mirrors = {
	members: SvelteMap<string, Member>;
	invites: SvelteMap<string, Invite>;
	requests: SvelteMap<string, AccessRequest>;
	handovers: SvelteMap<string, HandoverRequest>;
	zones: SvelteMap<string, Zone>;
	views: SvelteMap<string, DataView>;
};

export interface PresentPerson {
	accountId: string;
	name: string;
	color: string;
}

/** Distinct, readable colours for presence rings; a person keeps theirs across sessions. */
const PRESENCE_COLORS = [
	'#2457c5',
	'#b4380e',
	'#0f7b4a',
	'#8a3ffc',
	'#a0166f',
	'#00728f',
	'#8a6d00',
	'#5c5c5c'
];

export function presenceColor(accountId: string): string {
	let hash = 0;
	for (const char of accountId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	return PRESENCE_COLORS[hash % PRESENCE_COLORS.length]!;
}

/** Somebody else changed the signed-in person's own membership here (membership-news.ts). */
export type OwnMembershipListener = (news: MembershipNews, at: number) => void;

/** Why nothing is written before the project has loaded: the person's standing is not known. */
const NOT_LOADED = deny('not-a-member', 'The project has not loaded yet.');

/**
 * Why an action on an entry is refused when the entry is no longer there (another admin, or the
 * server, removed it while the person looked at it).
 */
const GONE = {
	members: deny('not-a-member', 'That person is no longer a member.'),
	invites: deny('invalid-entry', 'That invitation is gone.'),
	requests: deny('invalid-entry', 'That request is gone.'),
	handovers: deny('invalid-entry', 'That hand-over request is gone.')
} satisfies Partial<Record<keyof Mirrors, Decision>>;

export interface InviteOutcome {
	email: string;
	/** The invitation's id, to follow what the server makes of it. */
	inviteId: string;
	decision: Decision;
}

export class ProjectState implements ProjectFacts {
	readonly members = new SvelteMap<string, Member>();
	readonly invites = new SvelteMap<string, Invite>();
	readonly requests = new SvelteMap<string, AccessRequest>();
	readonly handovers = new SvelteMap<string, HandoverRequest>();
	readonly zones = new SvelteMap<string, Zone>();
	readonly views = new SvelteMap<string, DataView>();
	info = $state<ProjectInfo | null>(null);
	/** The offline copy or the server has given us the project. */
	loaded = $state(false);
	/** Why the project cannot be shown (no access, no such project), once the server said so. */
	unavailable = $state<CloseReason | null>(null);
	/** Other people on this project's pages right now (awareness), one entry per person. */
	presence = $state<PresentPerson[]>([]);
	#admins = $state(0);
	// An index into `members`, which is the reactive part.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #accountByEmail = new Map<string, string>();
	readonly #documentName: string;
	#session: DocumentSession;
	#unbind: () => void = () => {};

	/**
	 * `onOwnMembership`: told when somebody else changes the person's own role or data views while
	 * the project is open (the embedded widget, which has no user document for the server's news).
	 */
	constructor(
		private readonly hub: SyncHub,
		readonly projectId: string,
		readonly myAccountId: string,
		private readonly onOwnMembership?: OwnMembershipListener
	) {
		this.#documentName = projectDocument(projectId);
		this.#session = hub.open(this.#documentName);
		this.#bind(this.#session);
		hub.on('replaced', this.#onReplaced);
	}

	#onReplaced = (name: string, session: DocumentSession) => {
		if (name !== this.#documentName) return;
		this.#unbind();
		this.#session = session;
		this.#bind(session);
	};

	destroy(): void {
		this.#unbind();
		this.hub.off('replaced', this.#onReplaced);
		this.hub.release(this.#documentName);
	}

	// ---- reading ----------------------------------------------------------------------------

	#bind(session: DocumentSession): void {
		for (const mirror of Object.values(this.#mirrors())) mirror.clear();
		this.#accountByEmail.clear();
		this.#admins = 0;
		this.info = null;
		this.loaded = false;
		const settings = session.map('settings');
		const readSettings = () => {
			this.info = (settings.get(PROJECT_SETTINGS_KEY) as ProjectInfo | undefined) ?? null;
		};
		const observers: Array<() => void> = [];
		for (const [root, mirror] of Object.entries(this.#mirrors()) as Array<
			[keyof Mirrors, SvelteMap<string, unknown>]
		>) {
			const map = session.map(root);
			const copy = (key: string) => this.#mirror(root, mirror, key, map.get(key));
			for (const key of map.keys()) copy(key);
			const observer = (event: Y.YMapEvent<unknown>) => {
				if (root === 'members' && event.keysChanged.has(this.myAccountId))
					this.#tellOwnChange(this.members.get(this.myAccountId), map.get(this.myAccountId));
				event.keysChanged.forEach(copy);
			};
			map.observe(observer);
			observers.push(() => map.unobserve(observer));
		}
		readSettings();
		settings.observe(readSettings);
		const markLoaded = () => {
			if (this.info || session.synced) this.loaded = true;
		};
		session.on('synced', markLoaded);
		void session.localCopy?.whenSynced.then(markLoaded);
		markLoaded();
		const stopPresence = this.#sharePresence(session);
		const closed = (reason: CloseReason) => {
			if (!reason.reconnect) this.unavailable = reason;
		};
		session.on('closed', closed);
		this.unavailable = session.closedFor;
		this.#unbind = () => {
			observers.forEach((stop) => stop());
			settings.unobserve(readSettings);
			session.off('synced', markLoaded);
			session.off('closed', closed);
			stopPresence();
		};
	}

	/** The person's own entry changed: news, when somebody else changed their role or data views. */
	#tellOwnChange(before: Member | undefined, after: unknown): void {
		const now = after as Member | undefined;
		if (!this.onOwnMembership || !before || !now || now.updatedBy === this.myAccountId) return;
		const news = membershipNews({
			actorName: this.members.get(now.updatedBy)?.name || 'A Project Admin',
			projectName: this.info?.name ?? 'this project',
			before,
			after: now,
			views: [...this.views.values()]
		});
		if (news) this.onOwnMembership(news, now.updatedAt);
	}

	/** Publishes who we are (the server vouches for the name) and follows who else is here. */
	#sharePresence(session: DocumentSession): () => void {
		const awareness = session.provider.awareness;
		const me: Presence['user'] = {
			accountId: this.myAccountId,
			name: '',
			color: presenceColor(this.myAccountId)
		};
		awareness.setLocalState({ user: me, page: this.#page } satisfies Presence);
		const read = () => {
			// A plain map, gathered then published whole as `presence`.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			const people = new Map<string, PresentPerson>();
			for (const [clientId, state] of awareness.getStates()) {
				const user = (state as Partial<Presence>).user;
				if (clientId === awareness.clientID || !user || user.accountId === this.myAccountId)
					continue;
				people.set(user.accountId, {
					accountId: user.accountId,
					name: user.name,
					color: user.color
				});
			}
			this.presence = [...people.values()];
		};
		awareness.on('change', read);
		read();
		return () => {
			awareness.off('change', read);
			awareness.setLocalState(null);
		};
	}

	#page = 'users';

	/** Which page of the project the person is on, for the others' presence. */
	setPage(page: string): void {
		this.#page = page;
		const awareness = this.#session.provider.awareness;
		const state = awareness.getLocalState() as Presence | null;
		if (state) awareness.setLocalState({ ...state, page });
	}

	#mirrors(): Mirrors {
		return {
			members: this.members,
			invites: this.invites,
			requests: this.requests,
			handovers: this.handovers,
			zones: this.zones,
			views: this.views
		};
	}

	#mirror(
		root: keyof Mirrors,
		mirror: SvelteMap<string, unknown>,
		key: string,
		value: unknown
	): void {
		if (root === 'members') {
			const before = this.members.get(key);
			if (before) {
				if (this.#accountByEmail.get(before.email) === key)
					this.#accountByEmail.delete(before.email);
				if (before.role === 'admin') this.#admins -= 1;
			}
			const after = value as Member | undefined;
			if (after) {
				this.#accountByEmail.set(after.email, key);
				if (after.role === 'admin') this.#admins += 1;
			}
		}
		if (value === undefined) mirror.delete(key);
		else mirror.set(key, value);
	}

	// ---- the policy's facts -------------------------------------------------------------------

	get project(): ProjectInfo {
		return this.info!;
	}
	zone = (zoneId: string) => this.zones.get(zoneId);
	view = (viewId: string) => this.views.get(viewId);
	viewOfZone = (zoneId: string) =>
		[...this.views.values()].find((view) => view.kind === 'institution' && view.zoneId === zoneId);
	member = (accountId: string) => this.members.get(accountId);
	memberByEmail = (email: string) => {
		const accountId = this.#accountByEmail.get(email.toLowerCase());
		return accountId === undefined ? undefined : this.members.get(accountId);
	};
	adminCount = () => this.#admins;
	/** The reader's clock: the server judges end dates by its own, and says so when they differ. */
	now = () => Date.now();
	/**
	 * Which zones an invited address belongs to, as far as the console knows: the zones its email
	 * domain claims. The server also knows who belongs to which zone, and refuses on that too.
	 */
	readonly invitees: Invitees = inviteesFrom(() => this.zones.values());

	/** The signed-in person's membership here. */
	get me(): Member | undefined {
		return this.members.get(this.myAccountId);
	}

	get isAdmin(): boolean {
		return this.me?.role === 'admin';
	}

	// ---- acting ---------------------------------------------------------------------------------

	#write(change: EntryChange): Decision {
		if (!this.info) return NOT_LOADED;
		const decision = judgeProjectChange(this, this.myAccountId, change, this.invitees);
		if (!decision.ok) return decision;
		this.#apply(change);
		return ALLOW;
	}

	/** Changes that stand or fall together, judged as the server judges one update, then sent as one. */
	#writeTogether(changes: EntryChange[]): Decision {
		if (!this.info) return NOT_LOADED;
		const refused = judgeProjectBatch(this, this.myAccountId, changes, this.invitees).find(
			(verdict) => !verdict.decision.ok
		);
		if (refused) return refused.decision;
		this.#session.doc.transact(() => changes.forEach((change) => this.#apply(change)));
		return ALLOW;
	}

	#apply(change: EntryChange): void {
		const map = this.#session.map(change.root);
		if (change.after === undefined) map.delete(change.key);
		else map.set(change.key, change.after);
	}

	/** Gives a member another role (a Project Admin sees every data view; others keep theirs). */
	changeRole(accountId: string, role: Role): Decision {
		const member = this.members.get(accountId);
		if (!member) return GONE.members;
		const { scope } = nextAssignment(member, role);
		return this.#rewriteMember(member, { role, scope });
	}

	/** Gives a member other data views, keeping their role. */
	changeViews(accountId: string, scope: Scope): Decision {
		const member = this.members.get(accountId);
		return member ? this.#rewriteMember(member, { scope }) : GONE.members;
	}

	/** Sets when a member's access ends (null: it does not); the server removes them then. */
	setEndDate(accountId: string, endsAt: number | null): Decision {
		const member = this.members.get(accountId);
		return member ? this.#rewriteMember(member, { endsAt }) : GONE.members;
	}

	/** Writes the member's entry with `changes`, stamped with the signed-in person. */
	#rewriteMember(
		member: Member,
		changes: Partial<Pick<Member, 'role' | 'scope' | 'endsAt'>>
	): Decision {
		return this.#write({
			root: 'members',
			key: member.accountId,
			before: member,
			after: { ...member, ...changes, updatedBy: this.myAccountId, updatedAt: Date.now() }
		});
	}

	/** Removes a member, or (for oneself) leaves the project. */
	remove(accountId: string): Decision {
		const member = this.members.get(accountId);
		if (!member) return GONE.members;
		return this.#write({ root: 'members', key: accountId, before: member, after: undefined });
	}

	/**
	 * Queues one invitation per address, each with its own zone, role and end date (none when
	 * absent); the server sends them (now, or when back online), or adds at once the people who
	 * have an account.
	 */
	invite(
		invitations: ReadonlyArray<{
			email: string;
			role: Role;
			zoneId: string;
			endsAt?: number | null;
		}>
	): InviteOutcome[] {
		const now = Date.now();
		return invitations.map((invitation) => {
			const invite = queuedInvite(this, { id: newId(), ...invitation }, this.myAccountId, now);
			return {
				email: invitation.email,
				inviteId: invite.id,
				decision: this.#write({ root: 'invites', key: invite.id, before: undefined, after: invite })
			};
		});
	}

	resend(inviteId: string): Decision {
		const invite = this.invites.get(inviteId);
		if (!invite) return GONE.invites;
		return this.#write({
			root: 'invites',
			key: inviteId,
			before: invite,
			after: withResendRequested(invite)
		});
	}

	/** Approves or denies a pending request; the server then acts on it and tells the requester. */
	decideRequest(requestId: string, approve: boolean, reason: string): Decision {
		const request = this.requests.get(requestId);
		if (!request) return GONE.requests;
		return this.#write({
			root: 'requests',
			key: requestId,
			before: request,
			after: {
				...request,
				status: approve ? 'approved' : 'denied',
				decidedBy: this.myAccountId,
				decidedAt: Date.now(),
				decisionReason: reason.trim() || null
			}
		});
	}

	/** Asks another Project Admin to step down, or to let us take over; only they can answer. */
	askHandover(
		accountId: string,
		ask: { kind: HandoverKind; stepDownTo: StepDownRole; message: string }
	): Decision {
		const request: HandoverRequest = {
			id: newId(),
			kind: ask.kind,
			askedBy: this.myAccountId,
			askedOf: accountId,
			stepDownTo: ask.stepDownTo,
			message: ask.message.trim(),
			createdAt: Date.now(),
			status: 'pending',
			answeredAt: null,
			reply: null
		};
		return this.#write({ root: 'handovers', key: request.id, before: undefined, after: request });
	}

	/**
	 * Answers a hand-over request asked of us. Accepting is stepping down: the answer and our own
	 * member entry's new role are one change, which the server takes whole or not at all.
	 */
	answerHandover(requestId: string, accept: boolean, reply: string): Decision {
		const request = this.handovers.get(requestId);
		if (!request) return GONE.handovers;
		const answer: EntryChange = {
			root: 'handovers',
			key: requestId,
			before: request,
			after: {
				...request,
				status: accept ? 'accepted' : 'declined',
				answeredAt: Date.now(),
				reply: reply.trim() || null
			}
		};
		const me = this.me;
		if (!accept || !me) return this.#write(answer);
		return this.#writeTogether([
			answer,
			{
				root: 'members',
				key: me.accountId,
				before: me,
				after: {
					...me,
					role: request.stepDownTo,
					updatedBy: this.myAccountId,
					updatedAt: Date.now()
				}
			}
		]);
	}

	withdrawHandover(requestId: string): Decision {
		const request = this.handovers.get(requestId);
		if (!request) return GONE.handovers;
		return this.#write({
			root: 'handovers',
			key: requestId,
			before: request,
			after: { ...request, status: 'withdrawn', answeredAt: Date.now() }
		});
	}

	revoke(inviteId: string): Decision {
		const invite = this.invites.get(inviteId);
		if (!invite) return GONE.invites;
		return this.#write({ root: 'invites', key: inviteId, before: invite, after: undefined });
	}
}
