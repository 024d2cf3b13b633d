/**
 * The embedded widget's state, inside the iframe a portal mounts (docs/embedding.md). It is the
 * console's state without the console: no cookie (the session token lives in this object, in
 * memory, and goes out as a bearer token or the sync URL's parameter), no offline copy (storage in
 * a third-party frame is partitioned and would be a second copy to keep safe), no project
 * drop-down; one project, the one the portal's ticket names.
 *
 * 1. Check the host: the portal must be active and the parent's origin one of its origins.
 * 2. Ask the host for a ticket (HostBridge), exchange it for an embedded session. When the person
 *    has not allowed the portal to act for them (`consent-required`), ask them: a console window
 *    where they sign in and allow or decline (consent-window.ts); allowed, ask for a ticket again.
 * 3. Open the project document over a SyncHub whose connections carry the token.
 * 4. Before the session ends, ask for a new ticket and reconnect with the new token (the document
 *    and its unconfirmed changes stay), then end the old session.
 */
import { call } from '../api';
import { askServer, type AskPreview } from '../console/change-preview';
import { openConsentWindow, type ConsentWindow } from '../embed/consent-window';
import { HostBridge } from '../embed/host-bridge';
import type { NoticeItem, NoticeTone } from '../components/notice-types';
import {
	API,
	CLOSE,
	SYNC_TOKEN_PARAM,
	type CloseReason,
	type EmbedSession,
	type Theme
} from '../shared';
import { SyncHub, type SyncSummary } from '../sync/sync-hub';
import { NoticeBoard } from './notice-board.svelte';
import { ProjectState } from './project.svelte';
import { explainSync, ownMembershipNotice } from './sync-notices';

export type EmbedPhase = 'checking' | 'signing-in' | 'consent' | 'ready' | 'ended' | 'failed';

/**
 * Where asking for consent stands: not asked yet, the console window open, or how it ended
 * without an allow (declined, closed unanswered, blocked by the browser).
 */
export type ConsentStep = 'ask' | 'waiting' | 'declined' | 'closed' | 'blocked';

export interface EmbedParams {
	projectId: string;
	portalId: string;
	/** The origin the element says it runs at (the `origin` URL parameter). */
	parentOrigin: string;
	theme: Theme;
}

/** What the iframe's window offers; a parameter so that the state can be tested without one. */
export interface EmbedWindow {
	parent: Pick<Window, 'postMessage'>;
	self: unknown;
	location: Pick<Location, 'origin'> & { ancestorOrigins?: ArrayLike<string> };
	addEventListener: Window['addEventListener'];
	removeEventListener: Window['removeEventListener'];
	open: Window['open'];
}

/** Renew when this share of the session's lifetime is left, retrying this often on failure. */
const RENEW_WHEN_LEFT = 1 / 3;
const RETRY_RENEWAL_MS = 30_000;

export class EmbedState {
	phase = $state<EmbedPhase>('checking');
	/** Why the widget stopped, in words for the person. */
	problem = $state<string | null>(null);
	account = $state<EmbedSession['account'] | null>(null);
	portalName = $state<string | null>(null);
	portalOrigins = $state<string[]>([]);
	consent = $state<ConsentStep>('ask');
	project = $state<ProjectState | null>(null);
	sync = $state<SyncSummary>({ status: 'syncing', pending: 0 });
	readonly board = new NoticeBoard();
	theme = $state<Theme>('auto');
	/** The line to the host page, once it is known to be one of the portal's pages. */
	bridge = $state.raw<HostBridge | null>(null);
	#token: string | null = null;
	#hub: SyncHub | null = null;
	#renewal: ReturnType<typeof setTimeout> | null = null;
	#consentWindow: ConsentWindow | null = null;
	#destroyed = false;
	#stopExplaining: () => void = () => {};

	constructor(
		readonly params: EmbedParams,
		private readonly win: EmbedWindow
	) {
		this.theme = params.theme;
	}

	async start(): Promise<void> {
		const { parentOrigin, portalId } = this.params;
		if (this.win.parent === this.win.self)
			return void this.#fail(
				'This page shows Project Users inside a portal. Open the portal instead.'
			);
		const portal = await call(API.getPortalInfo, { params: { portalId }, bearer: null });
		if (!portal.ok) {
			return void this.#fail(
				portal.status === 404
					? 'This portal is not registered with the console, or it was revoked.'
					: portal.message
			);
		}
		this.portalName = portal.data.name;
		this.portalOrigins = portal.data.origins;
		// CSP frame-ancestors already keeps other origins out; this says why, and where the browser
		// tells us our real parent (Chromium, Safari), it must be the origin we were given.
		const ancestor = this.win.location.ancestorOrigins?.[0];
		if (!portal.data.origins.includes(parentOrigin) || (ancestor && ancestor !== parentOrigin)) {
			return void this.#fail(
				`${portal.data.name} is not allowed to show Project Users on this page.`
			);
		}
		this.bridge = new HostBridge({
			parent: this.win.parent,
			parentOrigin,
			target: this.win,
			onTheme: (theme) => (this.theme = theme)
		});
		await this.#signIn();
	}

	/** The server's preview of a change to a member's access, asked with the widget's session. */
	readonly askPreview: AskPreview = (accountId, next) =>
		askServer(this.params.projectId, () => this.#token)(accountId, next);

	/** After the session ended: ask the portal again, keeping the document and its changes. */
	async retry(): Promise<void> {
		this.problem = null;
		await this.#signIn();
	}

	/**
	 * Opens the console window where the person allows or declines the portal. It must run in the
	 * person's click (browsers block windows opened otherwise), so it awaits nothing before opening.
	 */
	askInConsole(): void {
		const opened = openConsentWindow({
			portalId: this.params.portalId,
			projectId: this.params.projectId,
			win: this.win
		});
		this.#consentWindow = opened;
		this.consent = 'waiting';
		void opened.answer.then((answer) => {
			if (this.#destroyed || this.#consentWindow !== opened) return;
			this.#consentWindow = null;
			if (answer === 'allowed') void this.#signIn();
			else this.consent = answer;
		});
	}

	/** Brings the open consent window to the front again. */
	showConsoleWindow(): void {
		this.#consentWindow?.focus();
	}

	get notices(): NoticeItem[] {
		return this.board.notices;
	}

	notify(tone: NoticeTone, message: string, title?: string): void {
		this.board.notify(tone, message, title);
	}

	dismiss(id: string): void {
		this.board.dismiss(id);
	}

	destroy(): void {
		this.#destroyed = true;
		if (this.#renewal) clearTimeout(this.#renewal);
		this.#closeProject();
		this.bridge?.destroy();
	}

	async #signIn(): Promise<void> {
		if (this.phase !== 'ready') this.phase = 'signing-in';
		const session = await this.#newSession();
		if (session && !this.#destroyed) this.#adopt(session);
	}

	/** Uses a new session: the same person reconnects, another one starts over. */
	#adopt(session: EmbedSession): void {
		if (this.account && this.account.id !== session.account.id) this.#closeProject();
		this.account = session.account;
		if (this.#hub) this.#reconnect(session.token);
		else this.#openProject(session.token);
		this.phase = 'ready';
		this.bridge?.post({ type: 'status', status: 'signed-in' });
		this.#scheduleRenewal(session.lifetimeMs * (1 - RENEW_WHEN_LEFT));
	}

	/** A ticket from the portal, exchanged; null (and the widget failed) when either went wrong. */
	async #newSession(): Promise<EmbedSession | null> {
		const ticket = await this.bridge!.requestTicket();
		if (!ticket.ok && ticket.consentRequired) return this.#askForConsent();
		if (!ticket.ok) return this.#fail(ticket.message);
		const session = await call(API.exchangeTicket, {
			body: {
				ticket: ticket.ticket,
				portalId: this.params.portalId,
				projectId: this.params.projectId
			},
			bearer: null
		});
		if (!session.ok) return this.#fail(session.message);
		return session.data;
	}

	#openProject(token: string): void {
		this.#token = token;
		const hub = new SyncHub({
			url: `${this.win.location.origin.replace(/^http/, 'ws')}/sync`,
			accountId: this.account!.id,
			openLocalCopy: null,
			counts: null,
			params: { [SYNC_TOKEN_PARAM]: token }
		});
		this.#hub = hub;
		const summarize = () => (this.sync = hub.summary());
		hub.on('change', summarize);
		this.#stopExplaining = explainSync(hub, this.board, {
			me: this.account!.id,
			onClose: (_document, reason) => this.#sessionEnded(reason)
		});
		this.project = this.#newProject(hub);
		summarize();
	}

	/** The new token for every connection; the project is read afresh if the server had closed it. */
	#reconnect(token: string): void {
		const previous = this.#token;
		this.#token = token;
		this.#hub!.reauthenticate({ [SYNC_TOKEN_PARAM]: token });
		if (this.project?.unavailable?.code === CLOSE.unauthenticated.code) {
			const stale = this.project;
			this.project = this.#newProject(this.#hub!);
			stale.destroy();
		}
		if (previous) void call(API.signOut, { bearer: previous });
	}

	/** The project, telling the person when somebody else changes their role or data views. */
	#newProject(hub: SyncHub): ProjectState {
		const { projectId } = this.params;
		return new ProjectState(hub, projectId, this.account!.id, (news, at) =>
			this.board.post(ownMembershipNotice(projectId, news, at))
		);
	}

	#closeProject(): void {
		this.#stopExplaining();
		this.project?.destroy();
		this.project = null;
		this.#hub?.destroy();
		this.#hub = null;
		if (this.#token) void call(API.signOut, { bearer: this.#token });
		this.#token = null;
	}

	#scheduleRenewal(afterMs: number): void {
		if (this.#renewal) clearTimeout(this.#renewal);
		this.#renewal = setTimeout(() => void this.#renew(), afterMs);
	}

	/** Before the session ends: a new ticket. Failing, try again shortly, until the session ends. */
	async #renew(): Promise<void> {
		const ticket = await this.bridge!.requestTicket();
		const session = ticket.ok
			? await call(API.exchangeTicket, {
					body: {
						ticket: ticket.ticket,
						portalId: this.params.portalId,
						projectId: this.params.projectId
					},
					bearer: null
				})
			: null;
		if (this.#destroyed) return;
		if (session?.ok) this.#adopt(session.data);
		else this.#scheduleRenewal(RETRY_RENEWAL_MS);
	}

	/** The session from the portal ended: the widget says so and offers to sign in again. */
	#sessionEnded(reason: CloseReason): boolean {
		if (reason.code !== CLOSE.unauthenticated.code) return false;
		this.phase = 'ended';
		this.problem = `Your session from ${this.portalName ?? 'the portal'} ended.`;
		this.bridge?.post({ type: 'status', status: 'ended', message: this.problem });
		return true;
	}

	/** The person has not allowed the portal (or took it back): the widget asks them to. */
	#askForConsent(): null {
		this.phase = 'consent';
		this.consent = 'ask';
		this.bridge?.post({ type: 'status', status: 'consent-required' });
		return null;
	}

	#fail(problem: string): null {
		this.phase = 'failed';
		this.problem = problem;
		this.bridge?.post({ type: 'status', status: 'failed', message: problem.slice(0, 500) });
		return null;
	}
}
