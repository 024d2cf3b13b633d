/**
 * What the document registry asks SQL about projects and people: whether a project exists, and
 * which zones a person belongs to (for the policy's rule on the zone of an invited address).
 */
import type { Db } from '../db/database';
import type { ProjectDirectory } from '../sync/registry';
import { zonesOfPeople } from './zone-people';
import { findProjectRecord } from './store';

export function projectDirectory(db: Db): ProjectDirectory {
	return {
		projectExists: (projectId) => findProjectRecord(db, projectId) !== null,
		zonesOfPerson: zonesOfPeople(db)
	};
}
