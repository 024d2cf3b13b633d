/**
 * A sign-in through a provider, between leaving for it and coming back (SQL `identity_sign_ins`):
 * the state, nonce and PKCE verifier are made here, kept server-side for 10 minutes, and used
 * once. The row is found by the SHA-256 of the state the provider hands back, and belongs to the
 * browser that started it: a random value in a cookie of its own (`sign-in-flow`), of which only
 * the hash is stored. A callback presented by another browser (a link an attacker sent, to sign
 * the victim in as the attacker) is refused, and so is a state used twice or too late.
 */
import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { fail, succeed, type Outcome } from '../../src/lib/shared/outcome';
import { generateSecureRandomString, hashSecret } from '../auth/random';
import type { Db } from '../db/database';
import type { ClientConfiguration } from './provider-client';
import type { StoredProvider } from './providers';

/** How long a person has at their provider before the sign-in must start again. @default 10 minutes */
export const SIGN_IN_LIFETIME_MS = 10 * 60_000;

export interface PendingSignIn {
	zoneId: string;
	issuer: string;
	clientId: string;
	nonce: string;
	codeVerifier: string;
	next: string;
}

export type SignInTakeFailure =
	'sign-in-unknown' | 'sign-in-expired' | 'sign-in-used' | 'sign-in-other-browser';

/** A fresh value for the browser's `sign-in-flow` cookie. */
export function newBrowserBinding(): string {
	return generateSecureRandomString();
}

/** Records the sign-in and returns where to send the browser. */
export async function beginSignIn(
	db: Db,
	start: {
		provider: StoredProvider;
		configuration: ClientConfiguration;
		redirectUri: string;
		email: string;
		next: string;
		browserBinding: string;
		now: number;
	}
): Promise<URL> {
	const state = oidc.randomState();
	const nonce = oidc.randomNonce();
	const codeVerifier = oidc.randomPKCECodeVerifier();
	const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
	const url = oidc.buildAuthorizationUrl(start.configuration, {
		redirect_uri: start.redirectUri,
		scope: 'openid email profile',
		state,
		nonce,
		code_challenge: codeChallenge,
		code_challenge_method: 'S256',
		login_hint: start.email
	});
	db.prepare('DELETE FROM identity_sign_ins WHERE expires_at < ?').run(start.now);
	db.prepare(
		`INSERT INTO identity_sign_ins (state_hash, browser_hash, zone_id, issuer, client_id, nonce,
		   code_verifier, next_path, created_at, expires_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	).run(
		hashSecret(state),
		hashSecret(start.browserBinding),
		start.provider.zoneId,
		start.provider.issuer,
		start.provider.clientId,
		nonce,
		codeVerifier,
		start.next,
		start.now,
		start.now + SIGN_IN_LIFETIME_MS
	);
	return url;
}

interface SignInRow {
	browser_hash: Uint8Array;
	zone_id: string;
	issuer: string;
	client_id: string;
	nonce: string;
	code_verifier: string;
	next_path: string;
	expires_at: number;
	consumed_at: number | null;
}

const MESSAGES: Record<SignInTakeFailure, string> = {
	'sign-in-unknown':
		'This sign-in is not one the console started (its state is missing or unknown). Start again from the sign-in page.',
	'sign-in-expired': 'This sign-in took more than 10 minutes. Start again from the sign-in page.',
	'sign-in-used':
		'This sign-in was completed already. Start again from the sign-in page if you are not signed in.',
	'sign-in-other-browser':
		'This sign-in was started in another browser. Start again from the sign-in page, in this browser.'
};

/**
 * Uses the sign-in up: once, before it expires, from the browser that started it. The check of
 * the browser comes first, so that someone else's callback does not spend the owner's sign-in.
 */
export function takeSignIn(
	db: Db,
	state: string,
	browserBinding: string | null,
	now: number
): Outcome<{ signIn: PendingSignIn }, SignInTakeFailure> {
	const stateHash = hashSecret(state);
	const row = db.prepare('SELECT * FROM identity_sign_ins WHERE state_hash = ?').get(stateHash) as
		SignInRow | undefined;
	if (!row) return failure('sign-in-unknown');
	if (row.consumed_at !== null) return failure('sign-in-used');
	if (row.expires_at <= now) return failure('sign-in-expired');
	const presented = browserBinding === null ? null : Buffer.from(hashSecret(browserBinding));
	if (!presented || !timingSafeEqual(presented, Buffer.from(row.browser_hash)))
		return failure('sign-in-other-browser');
	const taken = db
		.prepare(
			'UPDATE identity_sign_ins SET consumed_at = ? WHERE state_hash = ? AND consumed_at IS NULL'
		)
		.run(now, stateHash);
	if (taken.changes !== 1) return failure('sign-in-used');
	return succeed({
		signIn: {
			zoneId: row.zone_id,
			issuer: row.issuer,
			clientId: row.client_id,
			nonce: row.nonce,
			codeVerifier: row.code_verifier,
			next: row.next_path
		}
	});
}

function failure(code: SignInTakeFailure) {
	return fail(code, MESSAGES[code]);
}
