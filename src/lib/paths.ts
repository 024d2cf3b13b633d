/** Paths the SPA navigates to that are not written literally in a page. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import { NextPathSchema } from '$lib/shared';

/**
 * The `next` query parameter, where a sign-in returns to: only a path on this site, never another
 * origin (`//evil.example`, `/\evil.example`, `/\t/evil.example`: `NextPathSchema`, which the
 * server holds it to as well), else the start page.
 */
export function safeNextPath(next: string | null): ResolvedPathname {
	return next !== null && NextPathSchema.safeParse(next).success
		? (next as ResolvedPathname)
		: resolve('/');
}

/**
 * The Project Users page of a project. Its route is built beside this one by the team's project
 * pages, so it is not among the routes this branch knows.
 */
export function projectUsersPath(projectId: string): ResolvedPathname {
	return `/projects/${encodeURIComponent(projectId)}/settings/users` as ResolvedPathname;
}

/** Invite from a CSV file, beside Project Users. */
export function bulkInvitePath(projectId: string): ResolvedPathname {
	return resolve('/projects/[projectId]/settings/users/csv', { projectId });
}

/** The sign-in page, returning to `next` afterwards. */
export function signInPath(next: string): ResolvedPathname {
	return `${resolve('/sign-in')}?next=${encodeURIComponent(next)}` as ResolvedPathname;
}

/** A consortium's Portals page; `projectId` fills in the embedding snippet it shows. */
export function portalsPath(consortiumId: string, projectId?: string): ResolvedPathname {
	const query = projectId ? `?project=${encodeURIComponent(projectId)}` : '';
	return `/consortia/${encodeURIComponent(consortiumId)}/portals${query}` as ResolvedPathname;
}

/** A consortium's "why has access" page, showing a zone's or a person's access when one is named. */
export function accessPath(
	consortiumId: string,
	subject?: { zone: string } | { person: string }
): ResolvedPathname {
	const query = !subject
		? ''
		: 'zone' in subject
			? `?zone=${encodeURIComponent(subject.zone)}`
			: `?person=${encodeURIComponent(subject.person)}`;
	return `/consortia/${encodeURIComponent(consortiumId)}/access${query}` as ResolvedPathname;
}
