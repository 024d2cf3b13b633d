// A browser-only SPA: no server rendering, no prerendering; the Node server serves index.html.
export const ssr = false;
export const prerender = false;
