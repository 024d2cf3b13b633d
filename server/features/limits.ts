/**
 * The workflows' limits, each an option of `createApp(config, { workflows })`.
 */
import type { RateLimitRule } from '../auth/settings';

export interface WorkflowLimits {
	/**
	 * Requests sent per account (join or subscription). Every request mails each Project Admin of
	 * the project; withdrawing and asking again would otherwise flood their inboxes.
	 * @default 10 per hour
	 */
	requestsPerAccount: RateLimitRule;
	/**
	 * Lookup table uploads per account: each one reads and checks up to `maxCsvBytes`.
	 * @default 30 per hour
	 */
	uploadsPerAccount: RateLimitRule;
	/**
	 * The largest CSV file accepted, in bytes (413 beyond). A lookup table is one entry of its data
	 * view's document, sent whole to every client that opens the view, so it stays small enough to
	 * travel in one sync message.
	 * @default 2 MiB
	 */
	maxCsvBytes: number;
	/**
	 * The longest the digest scheduler sleeps before looking at the schedule again, so that a
	 * changed clock or a schedule written by another process is noticed.
	 * @default 60000
	 */
	digestCheckIntervalMs: number;
	/**
	 * Access reviews started per account: each one mails every reviewer of the zone.
	 * @default 10 per hour
	 */
	reviewStartsPerAccount: RateLimitRule;
	/**
	 * The longest the review scheduler sleeps before looking at due dates again, so that a review
	 * started meanwhile, or a changed clock, closes on time.
	 * @default 60000
	 */
	reviewCheckIntervalMs: number;
}

export const DEFAULT_WORKFLOW_LIMITS: WorkflowLimits = {
	requestsPerAccount: { limit: 10, windowMs: 3_600_000 },
	uploadsPerAccount: { limit: 30, windowMs: 3_600_000 },
	maxCsvBytes: 2 * 1024 * 1024,
	digestCheckIntervalMs: 60_000,
	reviewStartsPerAccount: { limit: 10, windowMs: 3_600_000 },
	reviewCheckIntervalMs: 60_000
};
