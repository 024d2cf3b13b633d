/**
 * The SCIM service's limits, each an option of `createApp(config, { scim })`.
 */
import type { RateLimitRule } from '../auth/settings';

export interface ScimLimits {
	/**
	 * The largest request body accepted, in bytes (413 beyond). A user with every attribute of the
	 * core schema and the enterprise extension is a few kilobytes.
	 * @default 32 KiB
	 */
	maxBodyBytes: number;
	/**
	 * Requests per zone (its token): an identity provider's sync run sends one per changed person,
	 * and a runaway one, or a stolen token, cannot make the server deprovision without bound.
	 * @default 1200 per minute
	 */
	requestsPerZone: RateLimitRule;
	/**
	 * Requests without a valid token, per client address: slows guessing tokens, and spares the
	 * server the work of strangers.
	 * @default 30 per 15 minutes
	 */
	refusedPerIp: RateLimitRule;
}

export const DEFAULT_SCIM_LIMITS: ScimLimits = {
	maxBodyBytes: 32 * 1024,
	requestsPerZone: { limit: 1200, windowMs: 60_000 },
	refusedPerIp: { limit: 30, windowMs: 15 * 60_000 }
};
