/**
 * The project a page under /projects/[projectId] shows, shared by its layout with the pages
 * inside it. A getter, because the layout replaces the project when the route's id changes.
 */
import { getContext, setContext } from 'svelte';
import type { ProjectState } from '../state/project.svelte';

const KEY = Symbol('project');

export function provideProject(current: () => ProjectState | null): void {
	setContext(KEY, current);
}

export function useProject(): () => ProjectState | null {
	return getContext<() => ProjectState | null>(KEY);
}
