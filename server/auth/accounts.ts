/**
 * Accounts: one per email address (stored lower-cased, unique), with a display name and an
 * optional password (people may sign in with emailed links only). The password hash never leaves
 * this module except through `findPasswordHash`, for the sign-in check.
 */
import type { Account } from '../../src/lib/shared/auth';
import { newId } from '../../src/lib/shared/ids';
import { fail, succeed, type Outcome } from '../../src/lib/shared/outcome';
import { preparedOnce, type Db } from '../db/database';
import type { AuthDb } from './settings';

export type { Account };

export type AccountChange<Code extends string = 'email-taken'> = Outcome<
	{ account: Account },
	Code
>;

interface AccountRow {
	id: string;
	email: string;
	name: string;
	password_hash: string | null;
	created_at: number;
}

const COLUMNS = 'id, email, name, password_hash, created_at';

function toAccount(row: AccountRow): Account {
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		hasPassword: row.password_hash !== null,
		createdAt: row.created_at
	};
}

const selectAccountById = preparedOnce(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`);

export function findAccountById(db: Db, id: string): Account | null {
	const row = selectAccountById(db).get(id) as AccountRow | undefined;
	return row ? toAccount(row) : null;
}

/** Whether an address has an account, with its statement prepared once: for many addresses. */
export function accountExistence(db: Db): (email: string) => boolean {
	const query = db.prepare('SELECT 1 FROM accounts WHERE email = ?').pluck();
	return (email) => query.get(normalizeEmail(email)) !== undefined;
}

export function findAccountByEmail(db: Db, email: string): Account | null {
	const row = db
		.prepare(`SELECT ${COLUMNS} FROM accounts WHERE email = ?`)
		.get(normalizeEmail(email)) as AccountRow | undefined;
	return row ? toAccount(row) : null;
}

/** The account and its password hash, for checking a password; null when the email is unknown. */
export function findPasswordHash(
	db: Db,
	email: string
): { account: Account; passwordHash: string | null } | null {
	const row = db
		.prepare(`SELECT ${COLUMNS} FROM accounts WHERE email = ?`)
		.get(normalizeEmail(email)) as AccountRow | undefined;
	return row ? { account: toAccount(row), passwordHash: row.password_hash } : null;
}

/** Creates an account; `id` is chosen only where ids must be known ahead (demo data, tests). */
export function createAccount(
	auth: AuthDb,
	input: { email: string; name: string; id?: string }
): AccountChange {
	const { db } = auth;
	const now = auth.settings.now();
	const id = input.id ?? newId();
	const inserted = db
		.prepare(
			`INSERT INTO accounts (id, email, name, password_hash, created_at, updated_at)
			 VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT (email) DO NOTHING`
		)
		.run(id, normalizeEmail(input.email), input.name, now, now);
	if (inserted.changes === 0)
		return fail('email-taken', 'Another account already uses this address.');
	return succeed({ account: findAccountById(db, id)! });
}

/** The renamed account, or null when there is no such account. */
export function renameAccount(auth: AuthDb, accountId: string, name: string): Account | null {
	const { db } = auth;
	db.prepare('UPDATE accounts SET name = ?, updated_at = ? WHERE id = ?').run(
		name,
		auth.settings.now(),
		accountId
	);
	return findAccountById(db, accountId);
}

/** Call only once the new address is verified. Refuses an address another account holds. */
export function changeAccountEmail(
	auth: AuthDb,
	accountId: string,
	email: string
): AccountChange<'email-taken' | 'no-account'> {
	const { db } = auth;
	const normalized = normalizeEmail(email);
	const holder = findAccountByEmail(db, normalized);
	if (holder && holder.id !== accountId) {
		return fail('email-taken', 'Another account now uses this address, so yours was not changed.');
	}
	const updated = db
		.prepare('UPDATE accounts SET email = ?, updated_at = ? WHERE id = ?')
		.run(normalized, auth.settings.now(), accountId);
	if (updated.changes === 0) return fail('no-account', 'There is no such account.');
	return succeed({ account: findAccountById(db, accountId)! });
}

/** Stores a hash made by `hashPassword`; the account then signs in with a password too. */
export function setAccountPassword(auth: AuthDb, accountId: string, passwordHash: string): void {
	const { db } = auth;
	db.prepare('UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?').run(
		passwordHash,
		auth.settings.now(),
		accountId
	);
}

/** Addresses are compared lower-cased (the shared EmailSchema does the same for input). */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}
