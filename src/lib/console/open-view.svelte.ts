/**
 * The data view a page under /projects/[projectId]/views/[viewId] works in, opened for as long as
 * the page lives and reopened when the route's view changes. A data view the project does not have
 * (an old link) is never opened: the server would refuse it, and the page says it is not there.
 */
import { consoleState } from '../state/console.svelte';
import { ViewState } from '../state/view.svelte';
import { useProject } from './project-context';

/** Call while a component initialises; the getter gives the open view, or null. */
export function useOpenView(viewId: () => string): () => ViewState | null {
	const current = useProject();
	let view = $state<ViewState | null>(null);
	$effect(() => {
		const hub = consoleState.hub;
		const project = current();
		const id = viewId();
		if (!project || !hub || !project.views.has(id)) return;
		const opened = new ViewState(hub, project, id);
		view = opened;
		return () => {
			opened.destroy();
			view = null;
		};
	});
	return () => view;
}
