/**
 * The consortium workflows (docs/workflows.md), wired into the server from the rooms that own them
 * (audit, consortium, directory, lookup-tables, requests, roster, subscriptions): the SQL indexes
 * and the audit log that follow every document, the reactions to requests decided in a project
 * document, the digest scheduler, and the HTTP routes. Only this wiring knows every room; no room
 * imports another's routes.
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
import type { EntryChange } from '../../src/lib/shared';
import { recordAcceptedChanges, recordRefusedChanges } from '../audit/log';
import { registerAuditRoutes } from '../audit/routes';
import { registerDirectoryRoutes } from '../directory/routes';
import { indexExistingDocuments } from './backfill';
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
import { registerRosterRoutes } from '../roster/routes';
import {
	indexSubscriptionsOnChange,
	reindexSubscriptionsOnLoad
} from '../subscriptions/subscription-index';

export type { WorkflowLimits } from './limits';

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
		indexSubscriptionsOnChange(db, now)
	]);
	const reindex = [
		reindexMembershipsOnLoad(db, now),
		reindexRequestsOnLoad(db),
		reindexSubscriptionsOnLoad(db, now)
	];
	return {
		name: 'audit log and indexes',
		onAccepted: indexChanges,
		onRefused: recordRefusedChanges(db, now),
		onLoad: (document) => reindex.forEach((check) => check(document))
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
	return {
		digests: new DigestScheduler({ ...deps, checkIntervalMs: limits.digestCheckIntervalMs }),
		reactions: [
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
