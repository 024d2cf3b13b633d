/**
 * The consortium's operators removing a Project Admin from a project (`npm run admin --
 * remove-admin`): the way out of a stuck project, where the admin to go cannot be asked (they left
 * the consortium, they do not answer a hand-over request), since no Project Admin may remove
 * another. It is a change on the server's authority, outside the console's rules, so it keeps the
 * two that protect every project: only a Project Admin is removed this way (the project's own
 * admins remove everyone else), and never the last one. The audit log records it as a server
 * change; the person's project drop-down follows through the registry's extensions.
 */
import {
	fail,
	projectDocument,
	ROLE_LABELS,
	succeed,
	type Member,
	type Outcome,
	type ProjectInfo
} from '../../src/lib/shared';
import type { DocumentRegistry } from '../sync/registry';

export type AdminRemoval = Outcome<
	{ member: Member; project: ProjectInfo },
	'project-not-found' | 'not-a-member' | 'not-project-admin' | 'last-admin'
>;

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
	if (!found) return fail('project-not-found', `There is no project ${projectId}.`);
	const { project, member, admins } = found;
	if (!member) return fail('not-a-member', `${email} is not a member of ${project.name}.`);
	if (member.role !== 'admin')
		return fail(
			'not-project-admin',
			`${email} is ${ROLE_LABELS[member.role]} of ${project.name}, not a Project Admin: the project's Project Admins can remove them.`
		);
	if (admins <= 1)
		return fail(
			'last-admin',
			`${email} is the last Project Admin of ${project.name}, and a project always keeps one: invite another first (invite-admin).`
		);
	registry.change(projectDocument(projectId), (roots) => roots.members.delete(member.accountId));
	return succeed({ member, project });
}
