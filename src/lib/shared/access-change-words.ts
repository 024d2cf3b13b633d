/**
 * A change's preview (`previewAccessChange`, policy/access-preview.ts) in words: what the member
 * gains and what they lose, one line per kind (managing users, permissions, data views,
 * subscriptions), and the whole as one paragraph. Worded once, here: the console's confirmations
 * show the lines, and any mail or document that tells of a change can say the paragraph.
 */
import { CADENCE_LABELS } from './digest-schedule';
import { countOf, listOf } from './human-format';
import type { Cell } from './policy/matrix';
import type {
	AccessDelta,
	AccessPreview,
	RowChange,
	SubscriptionNamed
} from './policy/access-preview';

/** Whom the preview is about: a person by name, or the one reading it. */
export interface PreviewSubject {
	name: string;
	isYou: boolean;
}

/** One kind of thing gained or lost: "Data views: Aurora and Borealis". */
export interface PreviewLine {
	/** "Permissions", "Data view", "2 subscriptions stop reaching them". */
	label: string;
	/** What it names, each in words; none for a line that is whole in its label. */
	items: string[];
	/** What the line is about; a line of subscriptions is a sentence of its own in `text`. */
	kind: 'users' | 'permissions' | 'views' | 'subscriptions';
}

export interface AccessChangeWords {
	/** "Ian Analyst gains", "You lose": the headings of the two lists. */
	gainsHeading: string;
	lossesHeading: string;
	gains: PreviewLine[];
	losses: PreviewLine[];
	/** What could not be checked, when the subscriptions were not known. */
	note: string | null;
	/**
	 * Everything in one paragraph: "Ian Analyst loses: permissions A and B; data view Borealis.
	 * 1 subscription stops reaching them: the weekly digest of Loans (Borealis)."
	 */
	text: string;
}

/** Subscriptions named one by one in a line; more are counted. */
const SUBSCRIPTIONS_NAMED = 3;

export function describeAccessChange(
	preview: AccessPreview,
	subject: PreviewSubject
): AccessChangeWords {
	const who = subject.isYou ? 'You' : subject.name.trim() || preview.member.email;
	const verb = (third: string, plain: string) => `${who} ${subject.isYou ? plain : third}`;
	const gains = lines(preview.gains, 'gain', subject);
	const losses = lines(preview.losses, 'loss', subject);
	const note = preview.subscriptionsKnown
		? null
		: 'The subscriptions that would stop could not be checked: the server could not be reached.';
	const gainsHeading = verb('gains', 'gain');
	const lossesHeading = verb('loses', 'lose');
	const said = [...sentences(gainsHeading, gains), ...sentences(lossesHeading, losses)];
	const nothing = `Nothing changes in what ${subject.isYou ? 'you' : who} can do or read.`;
	return {
		gainsHeading,
		lossesHeading,
		gains,
		losses,
		note,
		text: [...(said.length > 0 ? said : [nothing]), ...(note ? [note] : [])].join(' ')
	};
}

function lines(delta: AccessDelta, side: 'gain' | 'loss', subject: PreviewSubject): PreviewLine[] {
	const said: PreviewLine[] = [];
	if (delta.managesUsers) said.push(line('Managing the project’s users', [], 'users'));
	if (delta.rows.length > 0)
		said.push(
			line(
				'Permissions',
				delta.rows.map((row) => rowWords(row, side)),
				'permissions'
			)
		);
	if (delta.views.length > 0)
		said.push(
			line(
				delta.views.length === 1 ? 'Data view' : 'Data views',
				delta.views.map((view) => view.name),
				'views'
			)
		);
	if (delta.subscriptions.length > 0)
		said.push(subscriptionsLine(delta.subscriptions, side, subject));
	return said;
}

function line(label: string, items: string[], kind: PreviewLine['kind']): PreviewLine {
	return { label, items, kind };
}

/** "Ian Analyst loses: permissions A and B; data view C." and a sentence per subscriptions line. */
function sentences(heading: string, said: readonly PreviewLine[]): string[] {
	const access = said
		.filter((item) => item.kind !== 'subscriptions')
		.map((item) =>
			[item.label.toLowerCase(), ...(item.items.length > 0 ? [listOf(item.items)] : [])].join(' ')
		);
	const subscriptions = said
		.filter((item) => item.kind === 'subscriptions')
		.map((item) => `${item.label}: ${listOf(item.items)}.`);
	return [...(access.length > 0 ? [`${heading}: ${access.join('; ')}.`] : []), ...subscriptions];
}

/**
 * A row by its label; where only part of it changes, which part: a Consumer keeps custom events
 * for themselves ("self"), and "creator" cells keep one's own objects.
 */
function rowWords(row: RowChange, side: 'gain' | 'loss'): string {
	const kept = side === 'gain' ? row.before : row.after;
	return `${row.label}${PARTS[side][kept] ?? ''}`;
}

const PARTS: Record<'gain' | 'loss', Partial<Record<Cell, string>>> = {
	gain: {
		self: ' (shared ones too)',
		creator: ' (other people’s too)'
	},
	loss: {
		self: ' (shared ones)',
		creator: ' (other people’s)'
	}
};

function subscriptionsLine(
	subscriptions: readonly SubscriptionNamed[],
	side: 'gain' | 'loss',
	subject: PreviewSubject
): PreviewLine {
	const count = subscriptions.length;
	const whom = subject.isYou ? 'you' : 'them';
	const happens =
		side === 'loss'
			? `${count === 1 ? 'stops' : 'stop'} reaching ${whom}`
			: `${count === 1 ? 'reaches' : 'reach'} ${whom} again`;
	const named = subscriptions.slice(0, SUBSCRIPTIONS_NAMED).map(subscriptionWords);
	const more = count - named.length;
	return line(
		`${countOf(count, 'subscription')} ${happens}`,
		[...named, ...(more > 0 ? [countOf(more, 'more', 'more')] : [])],
		'subscriptions'
	);
}

/** "the weekly digest of Loans (Aurora)", "… (Aurora, paused)". */
function subscriptionWords(subscription: SubscriptionNamed): string {
	const where = [subscription.viewName, ...(subscription.paused ? ['paused'] : [])].join(', ');
	return `the ${CADENCE_LABELS[subscription.cadence].toLowerCase()} digest of ${subscription.boardName} (${where})`;
}
