/**
 * The data view a page under /projects/[projectId]/views/[viewId] works in, opened for as long as
 * the page lives and reopened when the route's view changes.
 *
 * Every member's copy of the project lists all its data views, but a member reads only those their
 * scope includes; the server refuses the others' documents. So a view is opened only when the
 * person's own membership says they may read it: a colleague's link to a view that is not theirs
 * (an Institution Zone analyst following a link to the Network Office's view) is never opened, and
 * the page says what it is and which views they can open, instead of waiting for a document the
 * server will never send. If the server refuses one all the same (the copy of the project on this
 * device was behind), the page says the same.
 */
import { CLOSE, scopeIncludes, type DataView } from '../shared';
import { consoleState } from '../state/console.svelte';
import type { ProjectState } from '../state/project.svelte';
import { ViewState } from '../state/view.svelte';
import { useProject } from './project-context';

export type ViewAccess =
	/** The project, or the person's membership in it, has not loaded yet. */
	| { state: 'loading' }
	/** The project has no such data view (an old link). */
	| { state: 'missing' }
	/** The view exists and is not among the person's; `open` are those they can open. */
	| { state: 'not-yours'; view: DataView; open: DataView[] }
	| { state: 'open'; view: DataView };

/** The data views of the project that the signed-in person may open, by name. */
export function viewsOpenTo(project: ProjectState): DataView[] {
	const me = project.me;
	if (!me) return [];
	return [...project.views.values()]
		.filter((view) => scopeIncludes(me.scope, view.id))
		.sort(
			(a, b) =>
				Number(b.kind === 'global') - Number(a.kind === 'global') || a.name.localeCompare(b.name)
		);
}

/** Whether the signed-in person may open this data view, as their membership says. */
export function viewAccess(project: ProjectState | null, viewId: string): ViewAccess {
	if (!project?.loaded) return { state: 'loading' };
	const view = project.views.get(viewId);
	if (!view) return { state: 'missing' };
	const me = project.me;
	if (!me) return { state: 'loading' };
	if (!scopeIncludes(me.scope, viewId)) {
		return { state: 'not-yours', view, open: viewsOpenTo(project) };
	}
	return { state: 'open', view };
}

export interface OpenView {
	/** The open view, or null while it is not (yet) open. */
	readonly view: ViewState | null;
	readonly access: ViewAccess;
}

/** Call while a component initialises. */
export function useOpenView(viewId: () => string): OpenView {
	const current = useProject();
	let view = $state<ViewState | null>(null);
	const byMembership = $derived(viewAccess(current(), viewId()));
	const readable = $derived(byMembership.state === 'open');
	$effect(() => {
		const hub = consoleState.hub;
		const project = current();
		const id = viewId();
		if (!project || !hub || !readable) return;
		const opened = new ViewState(hub, project, id);
		view = opened;
		return () => {
			opened.destroy();
			view = null;
		};
	});
	const access = $derived.by((): ViewAccess => {
		const project = current();
		const refused = view?.unavailable;
		const readRefused =
			refused?.code === CLOSE.forbidden.code || refused?.code === CLOSE.accessRevoked.code;
		if (byMembership.state !== 'open' || !project || !readRefused) return byMembership;
		// The server refused the view although this device's copy of the project allowed it.
		const open = viewsOpenTo(project).filter((other) => other.id !== byMembership.view.id);
		return { state: 'not-yours', view: byMembership.view, open };
	});
	return {
		get view() {
			return view;
		},
		get access() {
			return access;
		}
	};
}
