/**
 * Identifiers and addresses shared by every schema. Ids are opaque, URL-safe and short enough to
 * be map keys in a Yjs document and path segments in a document name.
 */
import { z } from 'zod';

export const IdSchema = z
	.string()
	.regex(/^[A-Za-z0-9_-]{1,64}$/, 'An id is 1 to 64 letters, digits, "_" or "-"');
export type Id = z.infer<typeof IdSchema>;

/** Emails are compared and stored lower-cased; the schema normalizes before validating. */
export const EmailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(
		z
			.email({ message: 'Enter a valid email address' })
			.max(254, 'An email address has at most 254 characters')
	);
export type Email = z.infer<typeof EmailSchema>;

/** Milliseconds since the Unix epoch. */
export const TimestampSchema = z.number().int().nonnegative();

/** A display name: what a person calls themselves or an object. */
export const NameSchema = z
	.string()
	.trim()
	.min(1, 'A name is required')
	.max(120, 'A name has at most 120 characters');

export const DescriptionSchema = z.string().max(2000, 'At most 2000 characters');

/** The domain part of an email address, as a zone lists it ("library.example.edu"). */
export const EmailDomainSchema = z
	.string()
	.trim()
	.toLowerCase()
	.regex(
		/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
		'Enter a domain such as library.example.edu'
	);

/** For a list's `.refine`: no item in it twice (ids, origins). */
export function eachOnce(items: readonly unknown[]): boolean {
	return new Set(items).size === items.length;
}

export function emailDomain(email: string): string {
	return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** A fresh random id for objects a client creates (invites, boards, ...). */
export function newId(): Id {
	return crypto.randomUUID();
}
