/**
 * A project document of any size for the benchmarks, written in one server transaction, as an
 * import would write it: `admins` Network Zone admins (`admin`, `admin1`, ...), and Consumers
 * (`m<admins>`, ..., `m<size - 1>`) for the rest. Each project has a consortium of its own (a
 * network-zone consortium has one project), so that one database can hold several; a prefix
 * other than `m` for the Consumers keeps their accounts apart.
 */
import { createProject } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import type { Db } from '../../server/db/database';
import type { DocumentRegistry } from '../../server/sync/registry';
import { projectDocument, type Member, type Role } from '../../src/lib/shared';

/** Admins of the sync benchmark's project: the clients that write. */
export const ADMINS = 20;
/** The sync benchmark's document: the project `bench`. */
export const BENCH_DOCUMENT = 'project/bench';
/** What starts each line a benchmark's server process answers with. */
export const REPLY_PREFIX = 'bench-reply ';

export function memberEntry(accountId: string, role: Role, zoneId = 'bench-office'): Member {
	return {
		accountId,
		email: `${accountId}@office.example.org`,
		name: `Person ${accountId}`,
		role,
		zoneId,
		scope: 'all',
		joinedAt: 1_700_000_000_000,
		updatedBy: 'admin',
		updatedAt: 1_700_000_000_000
	};
}

/** The account id of the `index`th person of a bench project with `admins` admins. */
export function benchAccountId(index: number, admins = 1, consumers = 'm'): string {
	return index < admins ? `admin${index || ''}` : `${consumers}${index}`;
}

export interface BenchProjectOptions {
	/** @default 'bench' */
	id?: string;
	/** @default 1 */
	admins?: number;
	/** What the Consumers' account ids start with. @default 'm' */
	consumers?: string;
}

export function createBenchProject(
	db: Db,
	registry: DocumentRegistry,
	size: number,
	{ id = 'bench', admins = 1, consumers = 'm' }: BenchProjectOptions = {}
): string {
	const office = `${id}-office`;
	const consortium = createConsortium(db, {
		name: `Consortium of ${id}`,
		mode: 'network-zone',
		zones: [
			{ id: office, kind: 'network', name: 'Office' },
			{ id: `${id}-library`, kind: 'institution', name: 'Library one' }
		]
	});
	const project = createProject(db, registry, consortium, { id, name: `Project ${id}` });
	registry.change(projectDocument(project.id), (roots) => {
		const members = roots.members;
		for (let index = 0; index < size; index++) {
			const accountId = benchAccountId(index, admins, consumers);
			members.set(accountId, memberEntry(accountId, index < admins ? 'admin' : 'consumer', office));
		}
	});
	return project.id;
}
