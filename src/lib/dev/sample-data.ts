/**
 * Made-up data for the component gallery: a consortium of a Network Zone and six member libraries
 * in network-zone management, 1,200 members, and invitations in every state. Generated from fixed
 * lists so that every load (and every screenshot) looks the same.
 */
import type { ProjectOption } from '$lib/components/ProjectMenu.svelte';
import {
	type AccountSession,
	type DataView,
	type Invite,
	type Member,
	type ProjectInfo,
	type Role,
	type Zone
} from '$lib/shared';

const LIBRARIES = [
	['nz', 'Consortium Office', 'network', 'office.northernlights.example.org'],
	['aurora', 'Aurora University Library', 'institution', 'aurora.example.edu'],
	['borealis', 'Borealis College Library', 'institution', 'borealis.example.edu'],
	['cirrus', 'Cirrus Public Library', 'institution', 'cirrus.example.org'],
	['delta', 'Delta State Library', 'institution', 'delta.example.gov'],
	['estuary', 'Estuary Medical Library', 'institution', 'estuary.example.edu'],
	['fjord', 'Fjord Institute Library', 'institution', 'fjord.example.edu']
] as const;

export const ZONES: Zone[] = LIBRARIES.map(([id, name, kind, domain]) => ({
	id,
	consortiumId: 'northern-lights',
	kind,
	name,
	emailDomains: [domain]
}));

export const VIEWS: DataView[] = [
	{ id: 'global', name: 'All libraries', kind: 'global', zoneId: 'nz' },
	...ZONES.filter((zone) => zone.kind === 'institution').map((zone) => ({
		id: `view-${zone.id}`,
		name: zone.name.replace(/ Library$/, ''),
		kind: 'institution' as const,
		zoneId: zone.id
	}))
];

export const PROJECT: ProjectInfo = {
	id: 'consortium-analytics',
	name: 'Consortium analytics',
	description: '',
	consortiumId: 'northern-lights',
	consortiumName: 'Northern Lights Library Consortium',
	mode: 'network-zone',
	ownerZoneId: 'nz'
};

export const PROJECTS: ProjectOption[] = [
	{
		projectId: PROJECT.id,
		name: PROJECT.name,
		consortiumName: PROJECT.consortiumName,
		role: 'admin'
	},
	{
		projectId: 'aurora-private',
		name: 'Aurora private analytics',
		consortiumName: PROJECT.consortiumName,
		role: 'analyst'
	},
	{
		projectId: 'reading-habits',
		name: 'Reading habits study',
		consortiumName: 'Coastal Libraries Network',
		role: 'consumer'
	}
];

const FIRST = [
	'Aino',
	'Bjørn',
	'Chiara',
	'Dmitri',
	'Elif',
	'Farah',
	'Gustav',
	'Hana',
	'Ismael',
	'Jovana',
	'Kaito',
	'Leila',
	'Mateo',
	'Nia',
	'Oskar',
	'Priya',
	'Quentin',
	'Rosa',
	'Sven',
	'Tomás',
	'Uma',
	'Viktor',
	'Wanjiru',
	'Xiu',
	'Yusuf',
	'Zofia'
];
const LAST = [
	'Andersen',
	'Brennan',
	'Castillo',
	'Dubois',
	'Eriksen',
	'Fischer',
	'García',
	'Haddad',
	'Ivanova',
	'Jensen',
	'Kowalski',
	'Lindqvist',
	'Mensah',
	'Nakamura',
	'Okafor',
	'Petrov',
	'Quinn',
	'Rossi',
	'Santos',
	'Takahashi',
	'Umarov',
	'Virtanen',
	'Weber',
	'Xu',
	'Yilmaz',
	'Zhang'
];

export const YOU: Member = {
	accountId: 'you',
	email: 'maija.virtanen@office.northernlights.example.org',
	name: 'Maija Virtanen',
	role: 'admin',
	zoneId: 'nz',
	scope: 'all',
	joinedAt: Date.UTC(2023, 0, 9),
	updatedBy: 'system',
	updatedAt: Date.UTC(2023, 0, 9)
};

export function generateMembers(count: number): Member[] {
	const members: Member[] = [YOU];
	for (let index = 1; index < count; index++) {
		const first = FIRST[index % FIRST.length]!;
		const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
		const zone = ZONES[index % ZONES.length]!;
		const role: Role =
			zone.kind === 'network' && index % 5 === 0
				? 'admin'
				: index % 3 === 0
					? 'analyst'
					: 'consumer';
		const slug = `${first}.${last}${index}`
			.toLowerCase()
			.normalize('NFD')
			.replace(/[^a-z0-9.]/g, '');
		members.push({
			accountId: `member-${index}`,
			email: `${slug}@${zone.emailDomains[0]}`,
			name: `${first} ${last}`,
			role,
			zoneId: zone.id,
			scope: zone.kind === 'network' ? 'all' : [`view-${zone.id}`],
			joinedAt: Date.UTC(2023, 1, 1) + index * 3_600_000,
			updatedBy: 'system',
			updatedAt: Date.UTC(2023, 1, 1)
		});
	}
	return members;
}

const DAY = 86_400_000;

function invite(
	id: string,
	email: string,
	role: Role,
	zoneId: string,
	status: Invite['status'],
	daysAgo: number,
	extra: Partial<Invite> = {}
): Invite {
	const invitedAt = NOW - daysAgo * DAY;
	const sent = status === 'queued' ? null : invitedAt + 60_000;
	return {
		id,
		email,
		role,
		zoneId,
		scope: zoneId === 'nz' ? 'all' : [`view-${zoneId}`],
		invitedBy: 'you',
		invitedAt,
		sendRequests: 1,
		status,
		sentAt: sent,
		expiresAt: sent === null ? null : sent + 7 * DAY,
		acceptedAt: status === 'accepted' ? invitedAt + DAY : null,
		failure: null,
		...extra
	};
}

/** A fixed "now", so that expired invitations stay expired in every screenshot. */
export const NOW = Date.UTC(2025, 4, 14, 10, 30);

export const INVITES: Invite[] = [
	invite('inv-1', 'new.analyst@aurora.example.edu', 'analyst', 'aurora', 'sent', 1),
	invite('inv-2', 'offline.invite@borealis.example.edu', 'consumer', 'borealis', 'queued', 0),
	invite('inv-3', 'late.reader@cirrus.example.org', 'consumer', 'cirrus', 'sent', 12),
	invite('inv-4', 'director@delta.example.gov', 'analyst', 'delta', 'accepted', 3),
	invite('inv-5', 'typo@estuary.exmaple.edu', 'consumer', 'estuary', 'failed', 2, {
		failure: 'The mail server for estuary.exmaple.edu does not exist.'
	}),
	invite('inv-6', 'second.admin@office.northernlights.example.org', 'admin', 'nz', 'sent', 2)
];

export const INVITER_NAMES: Record<string, string> = { you: 'Maija Virtanen' };

export const PRESENCE = [
	{ accountId: 'member-7', name: 'Hana Andersen', color: '#d6336c' },
	{ accountId: 'member-14', name: 'Oskar Andersen', color: '#1c7ed6' },
	{ accountId: 'member-21', name: 'Viktor Andersen', color: '#2b8a3e' },
	{ accountId: 'member-35', name: 'Jovana Brennan', color: '#e8590c' },
	{ accountId: 'member-42', name: 'Quentin Brennan', color: '#7048e8' }
];

export const SESSIONS: AccountSession[] = [
	{
		id: 's-1',
		createdAt: NOW - 2 * DAY,
		lastSeenAt: NOW - 60_000,
		expiresAt: NOW + 28 * DAY,
		ip: '192.0.2.14',
		userAgent:
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
		current: true,
		embedded: false
	},
	{
		id: 's-2',
		createdAt: NOW - 9 * DAY,
		lastSeenAt: NOW - 3 * DAY,
		expiresAt: NOW + 21 * DAY,
		ip: '198.51.100.7',
		userAgent:
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
		current: false,
		embedded: false
	}
];
