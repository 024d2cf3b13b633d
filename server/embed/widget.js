// @ts-check
/**
 * The membership widget's loader, served at `<console>/embed/widget.js`. It defines
 * `<membership-widget project="…" portal="…" ticket-url="…" [theme="light|dark"]>`, which mounts an
 * iframe of the console's embed route and is its only link to the host page:
 * - the iframe asks for a ticket ("ticket-request"); the element POSTs `{ projectId, portalId }` to
 *   `ticket-url` on the host's own origin (its cookies say who is signed in to the portal) and
 *   posts the `{ ticket }` it gets back, or why it got none ("ticket-error": the message of the
 *   `{ error: { code, message } }` the portal answered, if any, and the code `consent-required`
 *   when the console said the person has not allowed the portal yet: the iframe then asks them);
 * - the iframe reports its content's height ("resize") and its state ("status", re-dispatched as a
 *   `membership-widget-status` event); the element passes the `theme` attribute on ("theme").
 * Messages go to the console's exact origin only, and only messages from the element's own
 * iframe at that origin are read. Their shapes are the zod schemas of
 * src/lib/shared/embedding.ts (`HostMessageSchema`, `FrameMessageSchema`), written out by hand
 * here to keep this file small and free of dependencies. Load it as a classic script (not
 * `type="module"`), so that it can tell which console it comes from.
 */
(() => {
	const NAME = 'membership-widget';
	const SOURCE = 'membership-widget';
	const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
	const src =
		script?.src ??
		[...document.scripts].map((s) => s.src).find((s) => /\/embed\/widget\.js(\?|$)/.test(s));
	if (!src || customElements.get(NAME)) return;
	const consoleOrigin = new URL(src).origin;
	const STYLE =
		':host{display:block}iframe{display:block;width:100%;height:20rem;border:0;background:transparent}';

	/** @typedef {{ type: string, id?: string, height?: number, status?: string, message?: string }} FrameMessage */

	class MembershipWidget extends HTMLElement {
		static get observedAttributes() {
			return ['project', 'portal', 'ticket-url', 'theme'];
		}

		/** @type {HTMLIFrameElement | null} */
		#frame = null;
		#root = this.attachShadow({ mode: 'open' });
		#onMessage = (/** @type {MessageEvent} */ event) => this.#receive(event);

		connectedCallback() {
			addEventListener('message', this.#onMessage);
			this.#mount();
		}

		disconnectedCallback() {
			removeEventListener('message', this.#onMessage);
			this.#frame?.remove();
			this.#frame = null;
		}

		/** @param {string} name @param {string | null} before @param {string | null} after */
		attributeChangedCallback(name, before, after) {
			if (!this.#frame || before === after) return;
			if (name === 'theme') this.#post({ type: 'theme', theme: this.#theme() });
			else this.#mount();
		}

		#theme() {
			const theme = this.getAttribute('theme');
			return theme === 'light' || theme === 'dark' ? theme : 'auto';
		}

		#mount() {
			this.#frame?.remove();
			this.#frame = null;
			const project = this.getAttribute('project');
			const portal = this.getAttribute('portal');
			if (!project || !portal || !this.getAttribute('ticket-url')) {
				this.#status('failed', 'Set the project, portal and ticket-url attributes.');
				return;
			}
			const query = new URLSearchParams({ portal, origin: location.origin, theme: this.#theme() });
			const frame = document.createElement('iframe');
			frame.src = `${consoleOrigin}/embed/projects/${encodeURIComponent(project)}?${query}`;
			frame.title = this.getAttribute('title') || 'Project Users';
			const style = document.createElement('style');
			style.textContent = STYLE;
			this.#root.replaceChildren(style, frame);
			this.#frame = frame;
		}

		/** @param {MessageEvent} event */
		#receive(event) {
			const frame = this.#frame;
			if (!frame || event.source !== frame.contentWindow || event.origin !== consoleOrigin) return;
			const data = /** @type {FrameMessage & { source?: unknown }} */ (event.data ?? {});
			if (data.source !== SOURCE) return;
			if (data.type === 'resize' && typeof data.height === 'number') {
				frame.style.height = `${Math.min(Math.max(0, Math.ceil(data.height)), 100000)}px`;
			} else if (data.type === 'ticket-request' && typeof data.id === 'string') {
				void this.#sendTicket(data.id);
			} else if (data.type === 'status') {
				this.#status(String(data.status), data.message);
			}
		}

		/** @param {string} id */
		async #sendTicket(id) {
			let message = 'The portal could not sign you in here.';
			let code;
			try {
				const url = new URL(this.getAttribute('ticket-url') ?? '', location.href);
				const response = await fetch(url, {
					method: 'POST',
					credentials: 'same-origin',
					headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
					body: JSON.stringify({
						projectId: this.getAttribute('project'),
						portalId: this.getAttribute('portal')
					})
				});
				const body = await response.json().catch(() => null);
				if (response.ok && typeof body?.ticket === 'string')
					return this.#post({ type: 'ticket', id, ticket: body.ticket });
				const reason = body?.error?.message;
				if (body?.error?.code === 'consent-required') code = body.error.code;
				message =
					typeof reason === 'string'
						? reason
						: `${message} Its server answered ${response.status}.`;
			} catch {
				message += ' Its server could not be reached.';
			}
			this.#post({ type: 'ticket-error', id, message: message.slice(0, 500), code });
		}

		/** @param {Record<string, unknown>} message */
		#post(message) {
			this.#frame?.contentWindow?.postMessage({ source: SOURCE, ...message }, consoleOrigin);
		}

		/** @param {string} status @param {string | undefined} message */
		#status(status, message) {
			const detail = { status, message };
			this.dispatchEvent(new CustomEvent(`${NAME}-status`, { detail, bubbles: true }));
		}
	}

	customElements.define(NAME, MembershipWidget);
})();
