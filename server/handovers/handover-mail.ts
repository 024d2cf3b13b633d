/**
 * Mail about hand-over requests between Project Admins (docs/workflows.md). A request and its
 * answer are written by the admins' own clients in the project document, judged there like any
 * change and audited by the audit log; once the server has accepted one, this extension tells the
 * person who has to know: the asked admin, of a new request (only they can answer it) or of its
 * withdrawal; the asker, of the answer.
 */
import {
	describeHandover,
	ROLE_LABELS,
	type EntryChange,
	type HandoverRequest
} from '../../src/lib/shared';
import { findAccountById, type Account } from '../auth/accounts';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { handoverAnsweredMail, handoverAskedMail, type SiteUrl } from '../mail/templates';
import type { DocumentExtension } from '../sync/extensions';

export interface HandoverMailDeps {
	db: Db;
	mailer: MailQueue;
	site: SiteUrl;
}

export function mailHandoverRequests(deps: HandoverMailDeps): DocumentExtension {
	return {
		name: 'hand-over mail',
		onAccepted(document, authorId, changes: readonly EntryChange[]) {
			// The server closes requests only when a library is offboarded: neither party answered,
			// so neither is told they did; the consortium's log says what happened.
			if (document.address.kind !== 'project' || !document.index || authorId === null) return;
			const project = document.index.project;
			const path = `/projects/${project.id}/settings/users`;
			for (const change of changes) {
				if (change.root !== 'handovers' || change.after === undefined) continue;
				const before = change.before as HandoverRequest | undefined;
				const after = change.after as HandoverRequest;
				const mail =
					before === undefined
						? mailAsked
						: before.status === 'pending' && after.status !== 'pending'
							? mailAnswer
							: null;
				const parties = mail && partiesOf(deps.db, after);
				if (parties) mail(deps, { request: after, ...parties, projectName: project.name, path });
			}
		}
	};
}

interface Parties {
	asker: Account;
	asked: Account;
}

/** What a mail about a hand-over request says: the request, its parties, where it is answered. */
interface MailFacts extends Parties {
	request: HandoverRequest;
	projectName: string;
	path: string;
}

/** The asking and the asked admin's accounts; null when either is gone (nobody to tell). */
function partiesOf(db: Db, request: HandoverRequest): Parties | null {
	const asker = findAccountById(db, request.askedBy);
	const asked = findAccountById(db, request.askedOf);
	return asker && asked ? { asker, asked } : null;
}

function mailAsked(
	deps: HandoverMailDeps,
	{ request, asker, asked, projectName, path }: MailFacts
): void {
	deps.mailer.enqueue(
		handoverAskedMail({
			site: deps.site,
			to: asked.email,
			askerName: nameOf(asker),
			asked: describeHandover(request, projectName),
			roleLabel: ROLE_LABELS[request.stepDownTo],
			message: request.message,
			path
		})
	);
}

function mailAnswer(
	deps: HandoverMailDeps,
	{ request, asker, asked, projectName, path }: MailFacts
): void {
	const role = ROLE_LABELS[request.stepDownTo];
	const message = {
		accepted: {
			to: asker,
			what: `${nameOf(asked)} accepted your hand-over request`,
			consequence: `${nameOf(asked)} is now ${role} of ${projectName}.`
		},
		declined: {
			to: asker,
			what: `${nameOf(asked)} declined your hand-over request`,
			consequence: `${nameOf(asked)} stays Project Admin of ${projectName}.`
		},
		withdrawn: {
			to: asked,
			what: `${nameOf(asker)} withdrew the hand-over request`,
			consequence: `You stay Project Admin of ${projectName}; there is nothing to answer.`
		}
	}[request.status as 'accepted' | 'declined' | 'withdrawn'];
	deps.mailer.enqueue(
		handoverAnsweredMail({
			site: deps.site,
			to: message.to.email,
			what: message.what,
			consequence: message.consequence,
			reply: request.status === 'withdrawn' ? null : request.reply,
			path
		})
	);
}

function nameOf(account: Account): string {
	return account.name.trim() || account.email;
}
