/**
 * Tickets: what a portal's server gets for one person, one project and itself, and the iframe
 * exchanges for an embedded session. 160 random bits, stored as SHA-256 only, looked up by that
 * hash (with this much entropy the timing of the lookup tells nothing useful). Short-lived and
 * single-use: consuming is one conditional UPDATE, so of two requests racing with one ticket
 * exactly one wins. A ticket is used up even when it is presented for another portal or project:
 * it was stolen or misplaced, and must not be tried again.
 */
import { fail, succeed, type Failure, type Outcome } from '../../src/lib/shared/outcome';
import { generateSecureRandomString, hashSecret } from '../auth/random';
import type { AuthDb } from '../auth/settings';

export interface TicketGrant {
	portalId: string;
	accountId: string;
	projectId: string;
}

export type TicketFailureCode = 'ticket-invalid' | 'ticket-expired' | 'ticket-used';

export type TicketCheck = Outcome<TicketGrant, TicketFailureCode>;

const TICKET_MESSAGES: Record<TicketFailureCode, string> = {
	'ticket-invalid': 'This ticket is not valid. The portal must ask for a new one.',
	'ticket-expired': 'This ticket has expired. The portal must ask for a new one.',
	'ticket-used': 'This ticket has already been used. The portal must ask for a new one.'
};

/** Why a ticket cannot be exchanged, as a person reads it. */
export function ticketFailure(code: TicketFailureCode): Failure<TicketFailureCode> {
	return fail(code, TICKET_MESSAGES[code]);
}

interface TicketRow {
	portal_id: string;
	account_id: string;
	project_id: string;
	expires_at: number;
	consumed_at: number | null;
}

export function issueTicket(
	auth: AuthDb,
	grant: TicketGrant,
	lifetimeMs: number
): { ticket: string; expiresAt: number } {
	const { db } = auth;
	const now = auth.settings.now();
	const ticket = generateSecureRandomString();
	const expiresAt = now + lifetimeMs;
	db.prepare(
		`INSERT INTO embed_tickets (ticket_hash, portal_id, account_id, project_id, created_at, expires_at)
		 VALUES (?, ?, ?, ?, ?, ?)`
	).run(hashSecret(ticket), grant.portalId, grant.accountId, grant.projectId, now, expiresAt);
	return { ticket, expiresAt };
}

/** Uses the ticket up: it succeeds once, and only before it expires. */
export function consumeTicket(auth: AuthDb, ticket: string): TicketCheck {
	const { db } = auth;
	const now = auth.settings.now();
	const hash = hashSecret(ticket);
	const consumed = db
		.prepare(
			`UPDATE embed_tickets SET consumed_at = ?
			 WHERE ticket_hash = ? AND consumed_at IS NULL AND expires_at > ?`
		)
		.run(now, hash, now).changes;
	const row = db
		.prepare(
			'SELECT portal_id, account_id, project_id, expires_at, consumed_at FROM embed_tickets WHERE ticket_hash = ?'
		)
		.get(hash) as TicketRow | undefined;
	if (!row) return ticketFailure('ticket-invalid');
	if (consumed === 1)
		return succeed({
			portalId: row.portal_id,
			accountId: row.account_id,
			projectId: row.project_id
		});
	return ticketFailure(row.consumed_at !== null ? 'ticket-used' : 'ticket-expired');
}

/** Forgets tickets that expired more than `graceMs` ago (housekeeping). */
export function deleteStaleTickets(auth: AuthDb, graceMs: number): number {
	const { db } = auth;
	return db
		.prepare('DELETE FROM embed_tickets WHERE expires_at < ?')
		.run(auth.settings.now() - graceMs).changes;
}
