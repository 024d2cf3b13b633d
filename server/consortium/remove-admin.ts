/**
 * The consortium's operators removing a Project Admin from a project (`npm run admin --
 * remove-admin`): the way out of a stuck project, where the admin to go cannot be asked (they left
 * the consortium, they do not answer a hand-over request), since no Project Admin may remove
 * another. It is a change on the server's authority, outside the console's rules, so it keeps the
 * two that protect every project: only a Project Admin is removed this way (the project's own
 * admins remove everyone else), and never the last one. The audit log records it as a server
 * change; the person's project drop-down follows through the registry's extensions.
 */
import { projectDocument, ROLE_LABELS, type Member, type ProjectInfo } from '../../src/lib/shared';
import type { DocumentRegistry } from '../sync/registry';

export type AdminRemoval =
	{ kind: 'removed'; member: Member; project: ProjectInfo } | { kind: 'refused'; reason: string };

export function removeProjectAdmin(
	registry: DocumentRegistry,
	projectId: string,
	email: string
): AdminRemoval {
	const found = registry.read(projectDocument(projectId), (document) => {
		const facts = document.index!;
		return {
			project: facts.project,
			member: facts.memberByEmail(email),
			admins: facts.adminCount()
		};
	});
	if (!found) return { kind: 'refused', reason: `There is no project ${projectId}.` };
	const { project, member, admins } = found;
	if (!member) return { kind: 'refused', reason: `${email} is not a member of ${project.name}.` };
	if (member.role !== 'admin')
		return {
			kind: 'refused',
			reason: `${email} is ${ROLE_LABELS[member.role]} of ${project.name}, not a Project Admin: the project's Project Admins can remove them.`
		};
	if (admins <= 1)
		return {
			kind: 'refused',
			reason: `${email} is the last Project Admin of ${project.name}, and a project always keeps one: invite another first (invite-admin).`
		};
	registry.change(projectDocument(projectId), (roots) => roots.members.delete(member.accountId));
	return { kind: 'removed', member, project };
}
