/**
 * A project document of any size for the benchmarks, written in one server transaction: one
 * Network Zone admin (`admin`), and `size - 1` Consumers (`m1`, `m2`, ...).
 */
import { createProject } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import type { Db } from '../../server/db/database';
import type { DocumentRegistry } from '../../server/sync/registry';
import type { Member, Role } from '../../src/lib/shared';

export function memberEntry(accountId: string, role: Role): Member {
	return {
		accountId,
		email: `${accountId}@office.example.org`,
		name: `Person ${accountId}`,
		role,
		zoneId: 'nz',
		scope: 'all',
		joinedAt: 1_700_000_000_000,
		updatedBy: 'admin',
		updatedAt: 1_700_000_000_000
	};
}

export function createBenchProject(
	db: Db,
	registry: DocumentRegistry,
	size: number,
	admins = 1
): string {
	const consortium = createConsortium(db, {
		name: 'Bench consortium',
		mode: 'network-zone',
		zones: [
			{ id: 'nz', kind: 'network', name: 'Office' },
			{ id: 'iz1', kind: 'institution', name: 'Library one' }
		]
	});
	const project = createProject(db, registry, consortium, { id: 'bench', name: 'Bench project' });
	registry.change(`project/${project.id}`, (roots) => {
		const members = roots.get('members')!;
		for (let index = 0; index < admins; index++)
			members.set(`admin${index || ''}`, memberEntry(`admin${index || ''}`, 'admin'));
		for (let index = admins; index < size; index++)
			members.set(`m${index}`, memberEntry(`m${index}`, 'consumer'));
	});
	return project.id;
}
