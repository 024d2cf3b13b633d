/**
 * The tables of accounts, sessions, one-time tokens and the mail outbox. Secrets are stored only
 * as SHA-256 hashes (BLOBs); times are milliseconds since the Unix epoch. STRICT tables, so that
 * SQLite never coerces a hash or a time into another type silently. The rooms a scaled-out console
 * keeps in PostgreSQL (docs/scale-out.md) have a `postgres` step too: so far the one-time tokens.
 */
import type { Migration } from '../db/database';

export const AUTH_MIGRATIONS: Migration[] = [
	{
		id: 'auth-001-accounts',
		sql: `
		CREATE TABLE accounts (
			id TEXT PRIMARY KEY,
			email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
			name TEXT NOT NULL,
			password_hash TEXT,
			created_at INTEGER NOT NULL,
			updated_at INTEGER NOT NULL
		) STRICT;`
	},
	{
		id: 'auth-002-sessions',
		sql: `
		CREATE TABLE sessions (
			id TEXT PRIMARY KEY,
			account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
			secret_hash BLOB NOT NULL,
			created_at INTEGER NOT NULL,
			last_seen_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			absolute_expires_at INTEGER NOT NULL,
			ip TEXT NOT NULL,
			user_agent TEXT NOT NULL
		) STRICT;
		CREATE INDEX sessions_by_account ON sessions(account_id);`
	},
	{
		id: 'auth-003-tokens',
		sql: `
		CREATE TABLE tokens (
			token_hash BLOB PRIMARY KEY,
			purpose TEXT NOT NULL
				CHECK (purpose IN ('sign-in', 'password-reset', 'email-change', 'invite')),
			email TEXT NOT NULL,
			subject TEXT,
			data TEXT,
			created_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			consumed_at INTEGER
		) STRICT;
		CREATE INDEX tokens_by_subject ON tokens(purpose, subject);
		CREATE INDEX tokens_by_expiry ON tokens(expires_at);`,
		postgres: `
		CREATE TABLE tokens (
			token_hash BYTEA PRIMARY KEY,
			purpose TEXT NOT NULL
				CHECK (purpose IN ('sign-in', 'password-reset', 'email-change', 'invite')),
			email TEXT NOT NULL,
			subject TEXT,
			data TEXT,
			created_at BIGINT NOT NULL,
			expires_at BIGINT NOT NULL,
			consumed_at BIGINT
		);
		CREATE INDEX tokens_by_subject ON tokens(purpose, subject);
		CREATE INDEX tokens_by_expiry ON tokens(expires_at);`
	},
	{
		id: 'auth-004-mail-outbox',
		sql: `
		CREATE TABLE mail_outbox (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			to_address TEXT NOT NULL,
			subject TEXT NOT NULL,
			text TEXT NOT NULL,
			html TEXT NOT NULL,
			status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'kept-locally')),
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at INTEGER NOT NULL,
			last_error TEXT,
			created_at INTEGER NOT NULL,
			sent_at INTEGER
		) STRICT;
		CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);`
	},
	{
		// An embedded session (the widget in another portal) names the portal that vouched for the
		// person and the one project it may open; both NULL for the console's own sessions.
		id: 'auth-005-embedded-sessions',
		sql: `
		ALTER TABLE sessions ADD COLUMN embedded_portal_id TEXT;
		ALTER TABLE sessions ADD COLUMN embedded_project_id TEXT;
		CREATE INDEX sessions_by_portal ON sessions(embedded_portal_id)
			WHERE embedded_portal_id IS NOT NULL;`
	},
	{
		// A link replaced by a newer one (an invitation resent) or withdrawn (an invitation revoked)
		// is kept, marked, until it would have expired: whoever opens it is told what happened
		// instead of "not valid".
		id: 'auth-006-retired-tokens',
		sql: `
		ALTER TABLE tokens ADD COLUMN retired_because TEXT
			CHECK (retired_because IN ('superseded', 'withdrawn'));`,
		postgres: `
		ALTER TABLE tokens ADD COLUMN retired_because TEXT
			CHECK (retired_because IN ('superseded', 'withdrawn'));`
	},
	{
		// Indexed by status, every message stayed in the index for good and moved within it when
		// delivered: two index pages written per mail besides its row, and an index as large as all
		// mail ever sent. The delivery loop looks only for queued mail, and the hourly sweep only for
		// local mail whose body is still there: each index holds just those, a page or two.
		id: 'auth-007-mail-indexes-of-what-is-looked-for',
		sql: `
		DROP INDEX mail_outbox_due;
		CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE status = 'queued';
		CREATE INDEX mail_outbox_local_bodies ON mail_outbox(created_at)
			WHERE status = 'kept-locally' AND text != '';`
	}
];
