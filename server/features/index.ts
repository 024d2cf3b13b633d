/**
 * The consortium workflows (docs/workflows.md), wired into the server from the rooms that own them
 * (access, access-ends, audit, change-preview, consortium, directory, lookup-tables, offboarding,
 * requests, reviews, roster, subscriptions): the SQL indexes and the audit log that follow every
 * document, the reactions to requests decided in a project document, the digest, access review and
 * access-end schedulers, and the HTTP routes. Only this wiring knows every room; no room imports
 * another's routes.
 */
import type { AuthContext } from '../auth/routes/context';
import type { Db } from '../db/database';
import type { Router } from '../http/router';
import type { MailQueue } from '../mail/mailer';
import type { Log } from '../observability/log';
import type { SiteUrl } from '../mail/templates';
import type { DocumentExtension, OnAccepted } from '../sync/extensions';
import type { LiveDocument, Via } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';
import type { DocumentKind, EntryChange } from '../../src/lib/shared';
import { recordAccessGrantsOnChange, recordAccessGrantsOnLoad } from '../access/grants';
import { registerAccessRoutes } from '../access/routes';
import { indexAccessEndsOnChange, reindexAccessEndsOnLoad } from '../access-ends/end-index';
import { AccessEndScheduler, endDatesChangedIn } from '../access-ends/scheduler';
import { recordAcceptedChanges, recordRefusedChanges } from '../audit/log';
import { registerAuditRoutes } from '../audit/routes';
import { registerChangePreviewRoutes } from '../change-preview/routes';
import { registerDirectoryRoutes } from '../directory/routes';
import { indexExistingDocuments } from './backfill';
import { indexStamps } from './index-stamps';
import { DigestScheduler } from '../subscriptions/digest-scheduler';
import { registerLexiconExport } from '../lookup-tables/lexicon-export';
import { DEFAULT_WORKFLOW_LIMITS, type WorkflowLimits } from './limits';
import { unmapDeletedLookupTables } from '../lookup-tables/mappings';
import { registerLookupTableUpload } from '../lookup-tables/upload';
import { indexMembershipsOnChange, reindexMembershipsOnLoad } from '../consortium/membership-index';
import { actOnRequestDecisions } from '../requests/decisions';
import { indexRequestsOnChange, reindexRequestsOnLoad } from '../requests/request-index';
import { projectRequestsIntoUserDocuments } from '../requests/projection';
import { registerRequestRoutes } from '../requests/routes';
import { registerOffboardingRoutes } from '../offboarding/routes';
import { registerRosterRoutes } from '../roster/routes';
import { ReviewScheduler } from '../reviews/review-scheduler';
import { registerReviewRoutes } from '../reviews/routes';
import {
	indexSubscriptionsOnChange,
	reindexSubscriptionsOnLoad
} from '../subscriptions/subscription-index';

export type { WorkflowLimits } from './limits';
export { storedStateAccess } from './stored-state-access';

/**
 * The documents an index follows: project documents (memberships, requests, access ends and
 * paths) and data views (subscriptions). The others, an account's own above all (one for every
 * person), are never checked, so never stamped.
 */
const INDEXED: ReadonlySet<DocumentKind> = new Set(['project', 'view']);

/**
 * The audit log and the SQL indexes over the documents, for every process that changes documents
 * (the server, and `npm run admin`). Declare it before the reactions to changes, so that the audit
 * log records a change before the changes that follow from it.
 */
export function workflowIndexes(db: Db, now: () => number): DocumentExtension {
	const indexChanges = inOneTransaction(db, [
		recordAcceptedChanges(db, now),
		indexMembershipsOnChange(db, now),
		indexRequestsOnChange(db),
		indexSubscriptionsOnChange(db, now),
		indexAccessEndsOnChange(db, now),
		// After the audit log: it reads the step the log has just recorded.
		recordAccessGrantsOnChange(db)
	]);
	const reindex = [
		reindexMembershipsOnLoad(db, now),
		reindexRequestsOnLoad(db),
		reindexSubscriptionsOnLoad(db, now),
		reindexAccessEndsOnLoad(db, now),
		recordAccessGrantsOnLoad(db)
	];
	const stamps = indexStamps(db);
	/** Documents whose indexing failed since they loaded: their next compaction is not stamped. */
	const failed = new WeakSet<LiveDocument>();
	const unlessFailing = (document: LiveDocument, work: () => void) => {
		try {
			work();
		} catch (error) {
			failed.add(document);
			throw error;
		}
	};
	return {
		name: 'audit log and indexes',
		onAccepted: (document, authorId, changes, via) =>
			unlessFailing(document, () => indexChanges(document, authorId, changes, via)),
		onRefused: recordRefusedChanges(db, now),
		onLoad: (document) => {
			if (!INDEXED.has(document.address.kind) || stamps.inStep(document)) return;
			unlessFailing(document, () => reindex.forEach((check) => check(document)));
			stamps.record(document);
		},
		onCompacted: (document) => {
			if (INDEXED.has(document.address.kind) && !failed.has(document)) stamps.record(document);
		}
	};
}

/**
 * Runs SQL-only listeners in one transaction: one commit per accepted update instead of one per
 * table, which is most of their cost inside the validating step. Should one fail, none of their
 * rows are written, and the load check rebuilds the indexes the next time the document loads.
 */
function inOneTransaction(db: Db, listeners: OnAccepted[]): OnAccepted {
	const run = db.transaction(
		(
			document: LiveDocument,
			authorId: string | null,
			changes: readonly EntryChange[],
			via: Via | null
		) => {
			for (const listener of listeners) listener(document, authorId, changes, via);
		}
	);
	return (document, authorId, changes, via) => run(document, authorId, changes, via);
}

export interface WorkflowDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
	router: Router;
	auth: AuthContext;
	limits?: Partial<WorkflowLimits>;
	log: Log;
}

export interface Workflows {
	/** Not started: links in digests need the site's address, known once the server listens. */
	readonly digests: DigestScheduler;
	/** Closes access reviews at their due date; not started, like the digests. */
	readonly reviews: ReviewScheduler;
	/** Ends memberships on their end dates and reminds before; not started, like the digests. */
	readonly accessEnds: AccessEndScheduler;
	/** What the workflows do when a document changes, in order (after `workflowIndexes`). */
	readonly reactions: DocumentExtension[];
	/** Brings the indexes in step with documents an older version wrote; once the extensions are in use. */
	indexExistingDocuments(): void;
}

/** The reactions, routes and scheduler. */
export function startWorkflows(deps: WorkflowDeps): Workflows {
	const { db, registry, router, auth } = deps;
	const limits = { ...DEFAULT_WORKFLOW_LIMITS, ...deps.limits };
	registerDirectoryRoutes(router, auth, deps);
	registerRequestRoutes(router, auth, { ...deps, limits });
	registerAuditRoutes(router, auth, deps);
	registerLookupTableUpload(router, auth, { ...deps, limits });
	registerLexiconExport(router, auth, deps);
	registerRosterRoutes(router, auth, deps);
	registerReviewRoutes(router, auth, { ...deps, limits });
	registerAccessRoutes(router, auth, deps);
	registerChangePreviewRoutes(router, auth, deps);
	registerOffboardingRoutes(router, auth, deps);
	const accessEnds = new AccessEndScheduler(deps);
	return {
		digests: new DigestScheduler({ ...deps, checkIntervalMs: limits.digestCheckIntervalMs }),
		reviews: new ReviewScheduler({ ...deps, checkIntervalMs: limits.reviewCheckIntervalMs }),
		accessEnds,
		reactions: [
			{
				name: 'access end dates',
				onAccepted: (_document, _author, changes) => {
					if (endDatesChangedIn(changes)) accessEnds.endDatesChanged();
				}
			},
			{
				name: 'requests into user documents',
				onAccepted: projectRequestsIntoUserDocuments(registry)
			},
			{ name: 'request decisions', onAccepted: actOnRequestDecisions(deps) },
			{ name: 'lookup table mappings', onAccepted: unmapDeletedLookupTables(deps.now) }
		],
		indexExistingDocuments: () => indexExistingDocuments(db, registry)
	};
}
