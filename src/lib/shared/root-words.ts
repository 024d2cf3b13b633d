/**
 * The documents' roots in words (src/lib/shared/documents.ts names them for code).
 */
/**
 * Each root of the documents in people's words: its kind (the audit log's filter), one of its
 * entries, and several. Whatever a person reads about an entry names it with these, never with the
 * root's internal name ("customEvents").
 */
export const ROOT_WORDS = {
	members: { label: 'People and roles', noun: 'membership', plural: 'memberships' },
	invites: { label: 'Invitations', noun: 'invitation', plural: 'invitations' },
	requests: { label: 'Requests', noun: 'request', plural: 'requests' },
	handovers: {
		label: 'Hand-over requests',
		noun: 'hand-over request',
		plural: 'hand-over requests'
	},
	settings: { label: 'Project settings', noun: 'project setting', plural: 'project settings' },
	zones: { label: 'Zones', noun: 'zone', plural: 'zones' },
	views: { label: 'Data views', noun: 'data view', plural: 'data views' },
	boards: { label: 'Boards', noun: 'board', plural: 'boards' },
	subscriptions: { label: 'Subscriptions', noun: 'subscription', plural: 'subscriptions' },
	customEvents: { label: 'Custom events', noun: 'custom event', plural: 'custom events' },
	savedBehaviors: { label: 'Saved behaviors', noun: 'saved behavior', plural: 'saved behaviors' },
	savedFormulas: { label: 'Saved formulas', noun: 'saved formula', plural: 'saved formulas' },
	customProperties: {
		label: 'Custom properties',
		noun: 'custom property',
		plural: 'custom properties'
	},
	borrowedProperties: {
		label: 'Borrowed properties',
		noun: 'borrowed property',
		plural: 'borrowed properties'
	},
	userProfiles: { label: 'User profiles', noun: 'user profile', plural: 'user profiles' },
	lexicon: { label: 'Lexicon', noun: 'Lexicon entry', plural: 'Lexicon entries' },
	lookupTables: { label: 'Lookup tables', noun: 'lookup table', plural: 'lookup tables' },
	projects: { label: 'Project lists', noun: 'project listing', plural: 'project listings' },
	notices: { label: 'Notices', noun: 'notice', plural: 'notices' },
	/** Not a document's root: the audit log's governance actions (governance-events.ts). */
	governance: {
		label: 'Governance actions',
		noun: 'governance action',
		plural: 'governance actions'
	}
} as const;

/** "subscription" for an entry of `subscriptions`; "entry" for a root no document has. */
export function entryNoun(root: string): string {
	return Object.hasOwn(ROOT_WORDS, root)
		? ROOT_WORDS[root as keyof typeof ROOT_WORDS].noun
		: 'entry';
}

/** "subscriptions" for `subscriptions`; "entries" for a root no document has. */
export function entriesNoun(root: string): string {
	return Object.hasOwn(ROOT_WORDS, root)
		? ROOT_WORDS[root as keyof typeof ROOT_WORDS].plural
		: 'entries';
}
