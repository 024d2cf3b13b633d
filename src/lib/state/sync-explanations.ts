/**
 * What a person is told when the sync layer reports something about their changes: the words are
 * the same in the console and in the embedded widget.
 */
import { ROLE_LABELS, type Member } from '../shared';
import type { LostChange } from '../sync/document-session';

export const REFUSED_TITLE = 'Your change was not saved';
export const LOST_TITLE = 'Your change was replaced';

/** A change of ours lost to someone else's concurrent change of the same entry. */
export function describeLoss(document: string, change: LostChange): string {
	const members = document.startsWith('project/') && change.root === 'members';
	const winner = change.winner as Partial<Member> | undefined;
	if (members && winner?.name)
		return `Someone changed ${winner.name} at the same time; ${winner.name} is now ${ROLE_LABELS[winner.role ?? 'consumer']}.`;
	if (members) return 'Someone removed this member at the same time as your change.';
	return 'Someone changed the same entry at the same time; their change was kept.';
}
