/**
 * Periodic clean-up of what expires: sessions nobody presented again, tokens long past their
 * deadline, and the bodies of local outbox messages whose links can no longer work (they hold
 * tokens in clear, so they are not kept longer than useful).
 */
import { blankExpiredLocalMessages } from '../mail/outbox';
import { deleteExpiredSessions } from './sessions';
import type { AuthDb } from './settings';
import { deleteStaleTokens } from './tokens';
import { performNow } from '../db/work';

export interface HousekeepingOptions {
	/** How often to sweep. @default 1 hour: expired rows are inert, so there is no hurry. */
	intervalMs?: number;
	/**
	 * How long an expired token is kept, so that its link still says "expired" or "used" rather
	 * than "not valid". @default 7 days
	 */
	tokenGraceMs?: number;
}

/** Sweeps now and then every interval; returns the function that stops it. */
export function startHousekeeping(auth: AuthDb, options: HousekeepingOptions = {}): () => void {
	const { db } = auth;
	const { intervalMs = 3_600_000, tokenGraceMs = 7 * 86_400_000 } = options;
	const sweep = () => {
		const settings = auth.settings;
		const longestLink = Math.max(...Object.values(settings.tokenLifetimesMs));
		deleteExpiredSessions(auth);
		performNow(auth.db, deleteStaleTokens(auth.settings, tokenGraceMs));
		blankExpiredLocalMessages(db, settings.now() - longestLink);
	};
	sweep();
	const timer = setInterval(sweep, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
