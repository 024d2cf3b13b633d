/**
 * A consortium: one Network Zone (the consortium office) and many Institution Zones (member
 * libraries), run in one of two management modes.
 */
import { z } from 'zod';
import { EmailDomainSchema, IdSchema, NameSchema, TimestampSchema, emailDomain } from './ids';

export const MANAGEMENT_MODES = ['network-zone', 'institution-zone'] as const;
export const ManagementModeSchema = z.enum(MANAGEMENT_MODES, {
	message: 'The management mode is network-zone or institution-zone'
});
export type ManagementMode = z.infer<typeof ManagementModeSchema>;

export const MANAGEMENT_MODE_LABELS: Record<ManagementMode, string> = {
	'network-zone': 'Network Zone management',
	'institution-zone': 'Institution Zone management'
};

export const ZONE_KINDS = ['network', 'institution'] as const;
export const ZoneKindSchema = z.enum(ZONE_KINDS);
export type ZoneKind = z.infer<typeof ZoneKindSchema>;

export const ZoneSchema = z.strictObject({
	id: IdSchema,
	consortiumId: IdSchema,
	kind: ZoneKindSchema,
	name: NameSchema,
	/** Addresses at these domains are suggested this zone when invited. */
	emailDomains: z.array(EmailDomainSchema).max(20).default([]),
	/**
	 * When the library left the consortium (offboarding, docs/workflows.md): the zone stays, so
	 * that logs keep its name, but nobody can be added to it any more.
	 */
	leftAt: TimestampSchema.optional()
});
export type Zone = z.infer<typeof ZoneSchema>;

export const ConsortiumSchema = z
	.object({
		id: IdSchema,
		name: NameSchema,
		mode: ManagementModeSchema,
		zones: z.array(ZoneSchema).min(1)
	})
	.superRefine((consortium, ctx) => {
		const networkZones = consortium.zones.filter((zone) => zone.kind === 'network');
		if (networkZones.length !== 1) {
			ctx.addIssue({
				code: 'custom',
				path: ['zones'],
				message: `A consortium has exactly one Network Zone (found ${networkZones.length})`
			});
		}
		const ids = new Set<string>();
		for (const [index, zone] of consortium.zones.entries()) {
			if (ids.has(zone.id)) {
				ctx.addIssue({
					code: 'custom',
					path: ['zones', index, 'id'],
					message: 'Zone ids are unique'
				});
			}
			ids.add(zone.id);
			if (zone.consortiumId !== consortium.id) {
				ctx.addIssue({
					code: 'custom',
					path: ['zones', index, 'consortiumId'],
					message: 'A zone belongs to its consortium'
				});
			}
		}
	});
export type Consortium = z.infer<typeof ConsortiumSchema>;

export function zoneLabel(zone: Pick<Zone, 'kind' | 'name'>): string {
	return `${zone.name} (${zone.kind === 'network' ? 'Network Zone' : 'Institution Zone'})`;
}

/**
 * The zones whose email domains claim the address: a domain claims itself and its subdomains
 * ("mail.aurora.edu" is at "aurora.edu"), compared without regard to case, and the most specific
 * claim wins (an Institution Zone's "lib.example.org" over a Network Zone's "example.org"). Empty
 * when no zone claims it; several only when zones list the same domain.
 */
export function zonesClaimingEmail<T extends Pick<Zone, 'emailDomains'>>(
	zones: Iterable<T>,
	email: string
): T[] {
	const domain = emailDomain(email);
	let best = 0;
	let claimants: T[] = [];
	for (const zone of zones) {
		const length = Math.max(
			0,
			...zone.emailDomains
				.filter((candidate) => isWithinDomain(domain, candidate))
				.map((candidate) => candidate.length)
		);
		if (length === 0 || length < best) continue;
		if (length > best) claimants = [];
		best = length;
		claimants.push(zone);
	}
	return claimants;
}

/** Whether `domain` is `parent` or one of its subdomains, without regard to case. */
export function isWithinDomain(domain: string, parent: string): boolean {
	const child = domain.toLowerCase();
	const owner = parent.toLowerCase();
	return child === owner || child.endsWith(`.${owner}`);
}

/** The zone whose email domains claim the address, if exactly one does. */
export function suggestZoneForEmail<T extends Pick<Zone, 'emailDomains'>>(
	zones: Iterable<T>,
	email: string
): T | undefined {
	const claimants = zonesClaimingEmail(zones, email);
	return claimants.length === 1 ? claimants[0] : undefined;
}

/**
 * Where a new project may go, by the management mode: in network-zone management the consortium
 * has one project, owned by the Network Zone; in institution-zone management each Institution
 * Zone has its own, private one. `existingOwners` are the owner zones of the consortium's projects.
 * Returns why not, or null.
 */
export function projectPlacementProblem(
	consortium: Pick<Consortium, 'mode' | 'zones'>,
	ownerZoneId: string | undefined,
	existingOwners: readonly string[]
): string | null {
	if (consortium.mode === 'network-zone') {
		return existingOwners.length > 0
			? 'In network-zone management the consortium has one project, and it exists already.'
			: null;
	}
	const owner = consortium.zones.find((zone) => zone.id === ownerZoneId);
	if (!owner || owner.kind !== 'institution')
		return 'In institution-zone management a project belongs to one of the Institution Zones: name it with its zone id.';
	return existingOwners.includes(owner.id)
		? `${owner.name} has its project already: in institution-zone management each Institution Zone has one.`
		: null;
}
