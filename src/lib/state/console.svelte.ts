/**
 * The signed-in console: who is signed in (remembered on this device, so that the console opens
 * offline), the documents they have open (one SyncHub), the project drop-down (their user
 * document), the sync summary for the indicator, and the notices: what the server refused, what
 * lost to a concurrent change, what access was withdrawn (sync-notices.ts), and the news the
 * server leaves in the user document (a request decided; removed, role changed, moved out of data
 * views by somebody else).
 */
import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { IndexeddbPersistence } from 'y-indexeddb';
import { call } from '../api';
import type { NoticeItem, NoticeTone } from '../components/notice-types';
import { projectUsersPath, signInPath } from '../paths';
import {
	API,
	CLOSE,
	NOTICE_LIFETIME_MS,
	type Account,
	parseDocumentName,
	userDocument,
	type Notice,
	type OwnRequest,
	type ProjectListing
} from '../shared';
import { SyncHub, type StoredCopies, type SyncSummary } from '../sync/sync-hub';
import { NoticeBoard } from './notice-board.svelte';
import { explainSync, tellNews } from './sync-notices';

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

/** The page where a document's entries are changed: Project Users, or the data view. */
function pageOfDocument(document: string): NoticeItem['action'] {
	const name = parseDocumentName(document);
	if (name?.kind === 'project')
		return { label: 'Open Project Users', href: projectUsersPath(name.projectId) };
	if (name?.kind === 'view' || name?.kind === 'private')
		return {
			label: 'Open the data view',
			href: resolve('/projects/[projectId]/views/[viewId]', {
				projectId: name.projectId,
				viewId: name.viewId
			})
		};
	return undefined;
}

/** Added to a confirmation given offline: where the change is until the server has it. */
const KEPT_ON_THIS_DEVICE =
	'It is on this device for now, and goes to the server when you are back online.';

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
	readonly board = new NoticeBoard();
	hub: SyncHub | null = null;
	#checking: Promise<Account | null> | null = null;
	#stopProjects: () => void = () => {};
	#stopExplaining: () => void = () => {};

	get notices(): NoticeItem[] {
		return this.board.notices;
	}

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
		this.#stopExplaining();
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

	/**
	 * Tells the person something. A confirmation while offline can only be of a change to a
	 * document (the API needs the network): it is saved on this device, not yet on the server, and
	 * says so rather than claiming more.
	 */
	notify(tone: NoticeTone, message: string, title?: string): void {
		const kept = tone === 'success' && this.sync.status === 'offline';
		this.board.notify(tone, kept ? `${message} ${KEPT_ON_THIS_DEVICE}` : message, title);
	}

	dismiss(id: string): void {
		this.board.dismiss(id);
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
		this.#stopExplaining = explainSync(hub, this.board, {
			me: account.id,
			projectName: (projectId) =>
				this.projects.find((listing) => listing.projectId === projectId)?.name,
			pageOf: pageOfDocument,
			onClose: (_document, reason) => {
				if (reason.code !== CLOSE.unauthenticated.code) return false;
				this.#signedOut();
				void goto(signInPath(location.pathname));
				return true;
			}
		});
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
			const oldest = Date.now() - NOTICE_LIFETIME_MS;
			const unseen = [...notices.values()]
				.filter((notice) => !already.has(notice.id) && notice.at >= oldest)
				.sort((a, b) => a.at - b.at);
			for (const notice of unseen) tellNews(this.board, notice);
			for (const notice of notices.values()) already.add(notice.id);
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
}

export const consoleState = new ConsoleState();
