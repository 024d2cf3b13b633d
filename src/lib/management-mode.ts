/**
 * The project's management mode in words, for Project Users: the same action (making a library's
 * user Project Admin, inviting a person of another library) is allowed in one project and not in
 * another because of it, so the page says which mode decides here and what it means.
 */
import { MANAGEMENT_MODE_LABELS, type ProjectInfo, type Zone } from './shared';

export interface ManagementNote {
	/** "Institution Zone management" */
	mode: string;
	/** Who manages whom here, in the project's own names. */
	who: string;
	/** The rule about Project Admins, the same in both modes. */
	admins: string;
}

export function describeManagement(project: ProjectInfo, zones: Iterable<Zone>): ManagementNote {
	const all = [...zones];
	const network = all.find((zone) => zone.kind === 'network')?.name ?? 'the Network Zone';
	const owner = all.find((zone) => zone.id === project.ownerZoneId)?.name ?? 'its library';
	const who =
		project.mode === 'institution-zone'
			? `This is ${owner}’s own project: its Project Admins manage its people. Members come from ${owner} and from ${network} (Network Zone), whose users ask to join.`
			: `One project for all of ${project.consortiumName}: ${network}’s Project Admins manage every account, and each library’s people are Analysts or Consumers of their own library’s data view.`;
	return {
		mode: MANAGEMENT_MODE_LABELS[project.mode],
		who,
		admins:
			'No Project Admin can remove or demote another: each steps down or leaves by their own choice, and can be asked to with a hand-over request.'
	};
}
