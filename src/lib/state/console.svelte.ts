/**
 * The signed-in console: who is signed in (remembered on this device, so that the console opens
 * offline), the documents they have open (one SyncHub), the project drop-down (their user
 * document), the sync summary for the indicator, and the notices that explain what the server
 * refused, what lost to a concurrent change and what access was withdrawn.
 */
import { goto } from '$app/navigation';
import { IndexeddbPersistence } from 'y-indexeddb';
import { call } from '../api';
import type { NoticeItem, NoticeTone } from '../components/notice-types';
import { signInPath } from '../paths';
import {
	API,
	CLOSE,
	type Account,
	userDocument,
	type CloseReason,
	type Notice,
	type OwnRequest,
	type ProjectListing,
	type Rejection
} from '../shared';
import type { LostChange } from '../sync/document-session';
import { SyncHub, type StoredCopies, type SyncSummary } from '../sync/sync-hub';
import { LOST_TITLE, REFUSED_TITLE, describeLoss } from './sync-explanations';

const REMEMBERED_ACCOUNT = 'console:account';

/** y-indexeddb keeps one database per document, named as the hub asks. */
const indexedDbCopies: StoredCopies = {
	async names() {
		if (!('databases' in indexedDB)) return [];
		return (await indexedDB.databases()).map((database) => database.name ?? '');
	},
	delete: (name) =>
		new Promise((resolve) => {
			const request = indexedDB.deleteDatabase(name);
			// Blocked: another tab has it open; it is deleted once that tab lets go.
			request.onsuccess = request.onerror = request.onblocked = () => resolve();
		})
};

class ConsoleState {
	account = $state<Account | null>(null);
	/** The server could not be reached when the account was last checked. */
	offline = $state(false);
	sync = $state<SyncSummary>({ status: 'syncing', pending: 0 });
	projects = $state<ProjectListing[]>([]);
	/** The project list has come from this device's copy or from the server. */
	projectsKnown = $state(false);
	/** The person's own requests to Institution Zone projects, newest first. */
	myRequests = $state<OwnRequest[]>([]);
	notices = $state<NoticeItem[]>([]);
	hub: SyncHub | null = null;
	#checking: Promise<Account | null> | null = null;
	#stopProjects: () => void = () => {};

	/** The signed-in account: from the server, or (offline) as this device last knew it. */
	ensureAccount(): Promise<Account | null> {
		this.#checking ??= this.#checkAccount();
		return this.#checking;
	}

	async #checkAccount(): Promise<Account | null> {
		const result = await call(API.getSession);
		if (result.ok) {
			this.offline = false;
			localStorage.setItem(REMEMBERED_ACCOUNT, JSON.stringify(result.data.account));
			return this.#signedIn(result.data.account);
		}
		const remembered = localStorage.getItem(REMEMBERED_ACCOUNT);
		if (result.code === 'network' && remembered) {
			this.offline = true;
			return this.#signedIn(JSON.parse(remembered) as Account);
		}
		this.#signedOut();
		return null;
	}

	#signedIn(account: Account): Account {
		this.account = account;
		if (!this.hub) this.#startHub(account);
		return account;
	}

	#signedOut(): void {
		this.#stopProjects();
		this.hub?.destroy();
		this.hub = null;
		this.account = null;
		this.projects = [];
		this.projectsKnown = false;
		localStorage.removeItem(REMEMBERED_ACCOUNT);
		this.#checking = null;
	}

	/**
	 * Ends the session, and deletes the account's offline copies on this device, also those of
	 * documents not open now, with any changes not sent yet (a shared computer).
	 */
	async signOut(): Promise<void> {
		await call(API.signOut);
		await this.hub?.wipeOfflineCopies();
		this.#signedOut();
		await goto(signInPath('/'));
	}

	notify(tone: NoticeTone, message: string, title?: string): void {
		this.notices = [...this.notices, { id: crypto.randomUUID(), tone, message, title }];
	}

	dismiss(id: string): void {
		this.notices = this.notices.filter((notice) => notice.id !== id);
	}

	#startHub(account: Account): void {
		const url = `${location.origin.replace(/^http/, 'ws')}/sync`;
		const hub = new SyncHub({
			url,
			accountId: account.id,
			openLocalCopy: (name, doc) => new IndexeddbPersistence(name, doc),
			counts: localStorage,
			storedCopies: indexedDbCopies,
			isOnline: () => navigator.onLine
		});
		this.hub = hub;
		const summarize = () => (this.sync = hub.summary());
		hub.on('change', summarize);
		addEventListener('online', summarize);
		addEventListener('offline', summarize);
		hub.on('rejected', (document, rejections) => this.#explainRefusals(document, rejections));
		hub.on('lost', (document, change) => this.#explainLoss(document, change));
		hub.on('closed', (document, reason) => void this.#explainClose(document, reason));
		this.#followProjects(hub, account.id);
		summarize();
	}

	/** The project drop-down is the account's user document. */
	#followProjects(hub: SyncHub, accountId: string): void {
		const name = userDocument(accountId);
		const session = hub.open(name);
		const projects = session.map<ProjectListing>('projects');
		const requests = session.map<OwnRequest>('requests');
		const notices = session.map<Notice>('notices');
		const read = () => {
			this.projects = [...projects.values()].sort((a, b) => a.name.localeCompare(b.name));
		};
		const readRequests = () => {
			this.myRequests = [...requests.values()].sort((a, b) => b.createdAt - a.createdAt);
		};
		const seen = `console:${accountId}:seen-notices`;
		const readNotices = () => {
			// Read, extended and written back at once; nothing renders from it.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			const already = new Set<string>(JSON.parse(localStorage.getItem(seen) ?? '[]') as string[]);
			for (const notice of notices.values()) {
				if (already.has(notice.id)) continue;
				already.add(notice.id);
				this.notify('info', notice.text);
			}
			localStorage.setItem(seen, JSON.stringify([...already].slice(-200)));
		};
		projects.observe(read);
		requests.observe(readRequests);
		notices.observe(readNotices);
		read();
		readRequests();
		const known = () => {
			if (session.synced || projects.size > 0) this.projectsKnown = true;
		};
		session.on('synced', known);
		void session.localCopy?.whenSynced.then(known);
		this.#stopProjects = () => {
			projects.unobserve(read);
			requests.unobserve(readRequests);
			notices.unobserve(readNotices);
			session.off('synced', known);
			hub.release(name);
		};
	}

	#explainRefusals(_document: string, rejections: Rejection[]): void {
		for (const rejection of rejections) this.notify('error', rejection.message, REFUSED_TITLE);
	}

	#explainLoss(document: string, change: LostChange): void {
		this.notify('warning', describeLoss(document, change), LOST_TITLE);
	}

	async #explainClose(document: string, reason: CloseReason): Promise<void> {
		if (reason.code === CLOSE.unauthenticated.code) {
			this.#signedOut();
			await goto(signInPath(location.pathname));
			return;
		}
		// Refused at the door (a view outside the person's scope, a project they are not in): the
		// page that asked for it says so, and nothing was taken away now. Only a document that had
		// changes waiting to be sent, or one whose access ended while it was open, is news.
		const refusedAtTheDoor =
			reason.code === CLOSE.forbidden.code && (this.hub?.get(document)?.pending ?? 0) === 0;
		if (refusedAtTheDoor) return;
		if (reason.code === CLOSE.accessRevoked.code || reason.code === CLOSE.forbidden.code) {
			const project = this.projects.find((listing) => document.includes(listing.projectId));
			this.notify(
				'warning',
				`You no longer have access to ${project ? project.name : 'this part of the project'}. Its copy on this device was deleted.`,
				'Access removed'
			);
			return;
		}
		if (reason.code === CLOSE.resetRequired.code) {
			this.notify(
				'info',
				'Your copy of this project could not be reconciled and was reloaded from the server.'
			);
			return;
		}
		this.notify('error', `${reason.reason}. Reload the page to try again.`, 'Sync stopped');
	}
}

export const consoleState = new ConsoleState();
