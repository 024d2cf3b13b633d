/**
 * Lifetimes and limits of embedding (docs/embedding.md). Every one is part of `Config.embed`, so
 * tests and deployments can change it; the defaults are what a portal gets.
 */
import type { RateLimitRule } from '../auth/settings';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface EmbedSettings {
	/**
	 * How long a ticket can be exchanged. The element fetches one only when the iframe asks for it,
	 * so it is used within a round trip; a stolen ticket is worth little for long. At most 60 s.
	 * @default 30 seconds
	 */
	ticketLifetimeMs: number;
	/**
	 * How long an embedded session lasts, fixed (using it does not extend it). The iframe asks the
	 * portal for a new ticket before it ends, so a person who stops being vouched for by the portal
	 * (signed out there, the portal revoked) is out within this time at most.
	 * @default 15 minutes
	 */
	sessionLifetimeMs: number;
	rateLimits: {
		/**
		 * Ticket requests per client address, counted before the API key is checked: a client
		 * guessing keys, or a leaked key used from elsewhere, is slowed.
		 * @default 600 per minute
		 */
		ticketsPerIp: RateLimitRule;
		/**
		 * Tickets per portal: one portal's server (or whoever holds its key) cannot mint sessions
		 * without bound. A widget load needs one ticket, and one more every 10 minutes.
		 * @default 300 per minute
		 */
		ticketsPerPortal: RateLimitRule;
		/**
		 * Ticket exchanges per client address (the iframe): slows guessing tickets.
		 * @default 120 per minute
		 */
		exchangesPerIp: RateLimitRule;
	};
}

/** The longest a ticket may live: the bound, whatever the configuration says. */
export const MAX_TICKET_LIFETIME_MS = 60 * SECOND;

export const DEFAULT_EMBED_SETTINGS: EmbedSettings = {
	ticketLifetimeMs: 30 * SECOND,
	sessionLifetimeMs: 15 * MINUTE,
	rateLimits: {
		ticketsPerIp: { limit: 600, windowMs: MINUTE },
		ticketsPerPortal: { limit: 300, windowMs: MINUTE },
		exchangesPerIp: { limit: 120, windowMs: MINUTE }
	}
};
