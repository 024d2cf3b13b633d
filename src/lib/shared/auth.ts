/**
 * The shapes of the identity API (docs/api.md): request bodies, as the server validates them and
 * the SPA's forms can check them first, and the response bodies the SPA receives.
 */
import { z } from 'zod';
import { EmailSchema, IdSchema, NameSchema, TimestampSchema } from './ids';

/** The shortest password the server takes; the forms say so before sending. */
export const PASSWORD_MIN_LENGTH = 8;

/** What a person may choose: long passphrases welcome, scrypt's input bounded. */
export const PasswordSchema = z
	.string()
	.min(PASSWORD_MIN_LENGTH, `A password has at least ${PASSWORD_MIN_LENGTH} characters`)
	.max(128, 'A password has at most 128 characters');

/** The token of an emailed link, as the SPA reads it from the URL fragment. */
export const LinkTokenSchema = z
	.string()
	.trim()
	.min(1, 'The link has no token')
	.max(128, 'This is not a token from one of our links');

export const EmailRequestSchema = z.object({ email: EmailSchema });
export const LinkTokenRequestSchema = z.object({ token: LinkTokenSchema });

/** Signing in checks any stored password, so only the upper bound applies here. */
export const PasswordSignInRequestSchema = z.object({
	email: EmailSchema,
	password: z
		.string()
		.min(1, 'Enter your password')
		.max(128, 'A password has at most 128 characters')
});

export const PasswordResetConfirmRequestSchema = z.object({
	token: LinkTokenSchema,
	password: PasswordSchema
});

export const AccountUpdateRequestSchema = z.object({ name: NameSchema });

/** An account as the API shows it: never its password hash. */
export const AccountSchema = z.object({
	id: IdSchema,
	email: z.string(),
	name: z.string(),
	hasPassword: z.boolean(),
	createdAt: TimestampSchema
});
export type Account = z.infer<typeof AccountSchema>;

/** `GET /api/auth/session`. */
export const CurrentSessionSchema = z.object({
	account: AccountSchema,
	session: z.object({ id: z.string(), expiresAt: TimestampSchema })
});

/** One row of `GET /api/account/sessions`. */
export const AccountSessionSchema = z.object({
	id: z.string(),
	createdAt: TimestampSchema,
	lastSeenAt: TimestampSchema,
	expiresAt: TimestampSchema,
	ip: z.string(),
	userAgent: z.string(),
	current: z.boolean(),
	/** A session of the widget embedded in a portal (docs/embedding.md). */
	embedded: z.boolean()
});
export type AccountSession = z.infer<typeof AccountSessionSchema>;
