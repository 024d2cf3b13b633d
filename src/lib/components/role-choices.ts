/**
 * Which roles a control offers and why the others are not offered. The wiring asks the policy
 * (`assignableRoles`, `decideMemberChange`, ...) and hands the answer to RoleSelect or to a row of
 * MembersTable in this shape.
 */
import { ROLES, type Role } from '$lib/shared';

/** A policy Decision, or anything shaped like one. */
export type Permit = { ok: true } | { ok: false; message: string; code?: string };

export interface RoleChoices {
	allowed: readonly Role[];
	/** For each role not allowed, the reason shown beside it. */
	reasons?: Readonly<Partial<Record<Role, string>>>;
}

export const FALLBACK_ROLE_REASON = 'This role cannot be given here.';

/** Builds RoleChoices from one decision per role, e.g. `(role) => decideMemberChange(...)`. */
export function roleChoicesFrom(decide: (role: Role) => Permit): RoleChoices {
	const allowed: Role[] = [];
	const reasons: Partial<Record<Role, string>> = {};
	for (const role of ROLES) {
		const decision = decide(role);
		if (decision.ok) allowed.push(role);
		else reasons[role] = decision.message;
	}
	return { allowed, reasons };
}

export function reasonForRole(choices: RoleChoices, role: Role): string | null {
	if (choices.allowed.includes(role)) return null;
	return choices.reasons?.[role] ?? FALLBACK_ROLE_REASON;
}
