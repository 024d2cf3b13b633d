import { describe, expect, it } from 'vitest';
import { projectPlacementProblem } from '../../src/lib/shared';

describe('where a new project may go', () => {
	const zones = [
		{ id: 'nz', kind: 'network' as const, name: 'Office', consortiumId: 'c', emailDomains: [] },
		{
			id: 'aurora',
			kind: 'institution' as const,
			name: 'Aurora',
			consortiumId: 'c',
			emailDomains: []
		},
		{
			id: 'borealis',
			kind: 'institution' as const,
			name: 'Borealis',
			consortiumId: 'c',
			emailDomains: []
		}
	];

	it('allows one project in network-zone management', () => {
		const consortium = { mode: 'network-zone' as const, zones };
		expect(projectPlacementProblem(consortium, undefined, [])).toBeNull();
		expect(projectPlacementProblem(consortium, undefined, ['nz'])).toMatch(/has one project/);
	});

	it('allows one project per Institution Zone in institution-zone management, owned by it', () => {
		const consortium = { mode: 'institution-zone' as const, zones };
		expect(projectPlacementProblem(consortium, 'aurora', ['borealis'])).toBeNull();
		expect(projectPlacementProblem(consortium, 'aurora', ['aurora'])).toMatch(
			/^Aurora has its project already/
		);
		expect(projectPlacementProblem(consortium, 'nz', [])).toMatch(/one of the Institution Zones/);
		expect(projectPlacementProblem(consortium, undefined, [])).toMatch(
			/one of the Institution Zones/
		);
	});
});
