/**
 * Menus and tooltips float next to their trigger, but their triggers often sit inside a scrolling,
 * clipping list (the members table), and `container-type` makes such a list the containing block of
 * fixed descendants. So a floating element goes to the top layer (the Popover API), where no
 * ancestor clips or offsets it, and is placed in viewport coordinates beside its anchor: below it
 * if it fits, else above; clamped to the viewport's width. It follows the anchor while anything
 * scrolls. Browsers without popovers (and jsdom) show it in place, positioned the same way.
 */
/** The `popover` attribute's value where the browser has popovers; none elsewhere. */
export const POPOVER: 'manual' | undefined =
	typeof HTMLElement !== 'undefined' && 'showPopover' in HTMLElement.prototype
		? 'manual'
		: undefined;

const GAP = 4;
const MARGIN = 8;

export type FloatingAlign = 'start' | 'end' | 'center';

function place(anchor: HTMLElement, floating: HTMLElement, align: FloatingAlign) {
	const target = anchor.getBoundingClientRect();
	const width = floating.offsetWidth;
	const height = floating.offsetHeight;
	const below = target.bottom + GAP;
	const above = target.top - GAP - height;
	const top = below + height <= window.innerHeight - MARGIN || above < MARGIN ? below : above;
	const preferred =
		align === 'end'
			? target.right - width
			: align === 'center'
				? target.left + target.width / 2 - width / 2
				: target.left;
	const left = Math.max(MARGIN, Math.min(preferred, window.innerWidth - width - MARGIN));
	floating.style.top = `${top}px`;
	floating.style.left = `${left}px`;
}

/** Shows `floating` beside `anchor` until the returned cleanup runs. */
export function float(
	floating: HTMLElement,
	anchor: HTMLElement,
	align: FloatingAlign
): () => void {
	if (POPOVER) floating.showPopover();
	const update = () => place(anchor, floating, align);
	update();
	window.addEventListener('scroll', update, { capture: true, passive: true });
	window.addEventListener('resize', update);
	return () => {
		window.removeEventListener('scroll', update, { capture: true });
		window.removeEventListener('resize', update);
		if (POPOVER && floating.isConnected) floating.hidePopover();
	};
}
