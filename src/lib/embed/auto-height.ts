/**
 * The embedded iframe is sized to its content: the element around it sets the iframe's height
 * from what this reports. The content is measured from a wrapper (the body is at least as tall as
 * the iframe, so it would never shrink), plus whatever floats in the top layer: an open dialog
 * (its whole content and a margin, however much of it the screen shows: see visible-part.ts) or
 * menu (its bottom edge), which would otherwise be cut off by an iframe only as tall as the page
 * under them.
 */
import { naturalHeight } from '../components/visible-part';

const TOP_LAYER_MARGIN = 24;

export function measureContent(root: HTMLElement): number {
	const doc = root.ownerDocument;
	const scrollY = doc.defaultView?.scrollY ?? 0;
	let height = root.getBoundingClientRect().bottom + scrollY;
	for (const dialog of doc.querySelectorAll('dialog[open]'))
		height = Math.max(height, naturalHeight(dialog as HTMLElement) + 2 * TOP_LAYER_MARGIN);
	for (const floating of doc.querySelectorAll('[popover]')) {
		if (!floating.matches(':popover-open')) continue;
		height = Math.max(height, floating.getBoundingClientRect().bottom + scrollY + TOP_LAYER_MARGIN);
	}
	return Math.ceil(height);
}

/** Reports the content's height whenever it changes; returns the function that stops it. */
export function reportContentHeight(
	root: HTMLElement,
	report: (height: number) => void
): () => void {
	const doc = root.ownerDocument;
	let last = -1;
	let frame = 0;
	const measure = () => {
		frame = 0;
		const height = measureContent(root);
		if (height === last) return;
		last = height;
		report(height);
	};
	const schedule = () => {
		if (frame === 0) frame = requestAnimationFrame(measure);
	};
	const resizes = new ResizeObserver(schedule);
	resizes.observe(root);
	// Dialogs and menus open and close in the top layer, outside the wrapper.
	const mutations = new MutationObserver(schedule);
	mutations.observe(doc.body, {
		subtree: true,
		childList: true,
		attributes: true,
		attributeFilter: ['open', 'style']
	});
	doc.addEventListener('toggle', schedule, true);
	measure();
	return () => {
		resizes.disconnect();
		mutations.disconnect();
		doc.removeEventListener('toggle', schedule, true);
		if (frame) cancelAnimationFrame(frame);
	};
}
