/**
 * The three project roles of the seed. "Messenger" is another name for Consumer: it is accepted
 * wherever a role is read and always stored and shown as Consumer.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'analyst', 'consumer'] as const;
export type Role = (typeof ROLES)[number];

const ROLE_ALIASES = { messenger: 'consumer' } as const satisfies Record<string, Role>;

export const RoleSchema = z
	.enum([...ROLES, ...(Object.keys(ROLE_ALIASES) as (keyof typeof ROLE_ALIASES)[])], {
		message: 'Choose Project Admin, Analyst or Consumer'
	})
	.transform((role): Role =>
		role in ROLE_ALIASES ? ROLE_ALIASES[role as keyof typeof ROLE_ALIASES] : (role as Role)
	);

export const ROLE_LABELS: Record<Role, string> = {
	admin: 'Project Admin',
	analyst: 'Analyst',
	consumer: 'Consumer'
};

/** Plural labels, for messages such as "Analysts cannot delete user profiles". */
export const ROLE_PLURALS: Record<Role, string> = {
	admin: 'Project Admins',
	analyst: 'Analysts',
	consumer: 'Consumers'
};

export const ROLE_SUMMARIES: Record<Role, string> = {
	admin:
		'Manages and assigns roles; full access to the features, settings and data of the project.',
	analyst: 'Creates, edits and views reports; most data features, fewer administrative rights.',
	consumer:
		'Views reports and boards; cannot modify shared data or settings. Also called Messenger.'
};

/** Reads a role from untrusted input: the canonical role, or null when it is not a role. */
export function parseRole(value: unknown): Role | null {
	const parsed = RoleSchema.safeParse(value);
	return parsed.success ? parsed.data : null;
}
