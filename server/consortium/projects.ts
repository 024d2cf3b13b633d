/**
 * Creating projects and changing their membership on the server's authority: bootstrap, accepted
 * invitations and approved requests. Network-zone management has one project for the consortium,
 * with a global data view for the Network Zone and one per Institution Zone; institution-zone
 * management has a private project per Institution Zone with a single data view of its own.
 */
import {
	defaultScope,
	newId,
	PROJECT_SETTINGS_KEY,
	projectDocument,
	projectPlacementProblem,
	type Consortium,
	type DataView,
	type Member,
	type ProjectInfo,
	type Role,
	type Scope
} from '../../src/lib/shared';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import { findProjectRecord, insertProjectRecord, listProjectRecords } from './store';

export interface NewProject {
	id?: string;
	name: string;
	/** The Institution Zone that owns the project in institution-zone management. */
	ownerZoneId?: string;
}

export function dataViewsFor(consortium: Consortium, ownerZoneId: string): DataView[] {
	if (consortium.mode === 'institution-zone') {
		const owner = consortium.zones.find((zone) => zone.id === ownerZoneId)!;
		return [{ id: 'main', name: owner.name, kind: 'institution', zoneId: owner.id }];
	}
	const network = consortium.zones.find((zone) => zone.kind === 'network')!;
	return [
		{
			id: 'global',
			name: `${network.name} (all institutions)`,
			kind: 'global',
			zoneId: network.id
		},
		...consortium.zones
			.filter((zone) => zone.kind === 'institution')
			.map((zone): DataView => ({
				id: `iz-${zone.id}`.slice(0, 64),
				name: zone.name,
				kind: 'institution',
				zoneId: zone.id
			}))
	];
}

/** A project the management mode has no place for (see `projectPlacementProblem`). */
export class ProjectPlacementError extends Error {}

export function createProject(
	db: Db,
	registry: DocumentRegistry,
	consortium: Consortium,
	input: NewProject
): ProjectInfo {
	const problem = projectPlacementProblem(
		consortium,
		input.ownerZoneId,
		listProjectRecords(db, consortium.id).map((record) => record.ownerZoneId)
	);
	if (problem) throw new ProjectPlacementError(problem);
	const owner =
		consortium.mode === 'network-zone'
			? consortium.zones.find((zone) => zone.kind === 'network')!
			: consortium.zones.find((zone) => zone.id === input.ownerZoneId)!;
	const project: ProjectInfo = {
		id: input.id ?? newId(),
		name: input.name,
		description: '',
		consortiumId: consortium.id,
		consortiumName: consortium.name,
		mode: consortium.mode,
		ownerZoneId: owner.id
	};
	insertProjectRecord(db, {
		id: project.id,
		consortiumId: consortium.id,
		ownerZoneId: owner.id,
		name: project.name
	});
	registry.change(projectDocument(project.id), (roots) => {
		roots.settings.set(PROJECT_SETTINGS_KEY, project);
		for (const zone of consortium.zones) roots.zones.set(zone.id, zone);
		for (const view of dataViewsFor(consortium, owner.id)) roots.views.set(view.id, view);
	});
	return project;
}

export interface NewMember {
	accountId: string;
	email: string;
	name: string;
	role: Role;
	zoneId: string;
	scope?: Scope;
}

/** Adds (or replaces) a member on the server's authority; the caller has checked the policy. */
export function putMember(
	db: Db,
	registry: DocumentRegistry,
	projectId: string,
	input: NewMember
): Member | null {
	if (!findProjectRecord(db, projectId)) return null;
	let member: Member | null = null;
	registry.change(projectDocument(projectId), (roots) => {
		const now = Date.now();
		const existing = roots.members.get(input.accountId);
		const facts = registry.get(projectDocument(projectId))!.index!;
		member = {
			accountId: input.accountId,
			email: input.email.toLowerCase(),
			name: input.name,
			role: input.role,
			zoneId: input.zoneId,
			scope: input.scope ?? defaultScope(facts, input.zoneId),
			joinedAt: existing?.joinedAt ?? now,
			updatedBy: input.accountId,
			updatedAt: now
		};
		roots.members.set(input.accountId, member);
	});
	return member;
}
