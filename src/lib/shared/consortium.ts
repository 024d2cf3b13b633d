/**
 * A consortium: one Network Zone (the consortium office) and many Institution Zones (member
 * libraries), run in one of two management modes.
 */
import { z } from 'zod';
import { EmailDomainSchema, IdSchema, NameSchema, emailDomain } from './ids';

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

export const ZoneSchema = z.object({
	id: IdSchema,
	consortiumId: IdSchema,
	kind: ZoneKindSchema,
	name: NameSchema,
	/** Addresses at these domains are suggested this zone when invited. */
	emailDomains: z.array(EmailDomainSchema).max(20).default([])
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

/** The zone whose email domains include the address's domain, if exactly one does. */
export function suggestZoneForEmail<T extends Pick<Zone, 'emailDomains'>>(
	zones: Iterable<T>,
	email: string
): T | undefined {
	const domain = emailDomain(email);
	const matches = [...zones].filter((zone) =>
		zone.emailDomains.some((candidate) => domain === candidate || domain.endsWith(`.${candidate}`))
	);
	return matches.length === 1 ? matches[0] : undefined;
}
