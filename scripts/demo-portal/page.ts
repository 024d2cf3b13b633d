/**
 * The demo portal's one page: a staff portal of the Northern Lights network with its own header,
 * navigation and theme switch, and Project Users embedded in it. It shows a newcomer the snippet a
 * portal needs, working.
 */
export interface PortalPage {
	consoleUrl: string;
	portalName: string;
	portalId: string;
	projectId: string;
	userName: string;
}

const escape = (value: string) =>
	value.replace(
		/[&<>"']/g,
		(char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!
	);

export function renderPortalPage(page: PortalPage): string {
	const snippet = `<script src="${page.consoleUrl}/embed/widget.js" async></script>
<membership-widget project="${page.projectId}" portal="${page.portalId}"
  ticket-url="/ticket"></membership-widget>`;
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${escape(page.portalName)} · Staff administration</title>
<style>
	:root { color-scheme: light dark; --bg: #f4f1ea; --fg: #1f2a2e; --muted: #5b666b; --card: #fffdf8;
		--line: #ddd5c4; --brand: #0d5c63; --on-brand: #ffffff;
		font-family: Georgia, 'Times New Roman', serif; line-height: 1.5; }
	:root[data-theme='dark'] { color-scheme: dark; }
	:root[data-theme='light'] { color-scheme: light; }
	@media (prefers-color-scheme: dark) { :root:not([data-theme='light']) { --bg: #151b1d; --fg: #e8e4da;
		--muted: #a6afb2; --card: #1d2528; --line: #334044; --brand: #57b3ba; --on-brand: #0b1f21; } }
	:root[data-theme='dark'] { --bg: #151b1d; --fg: #e8e4da; --muted: #a6afb2; --card: #1d2528;
		--line: #334044; --brand: #57b3ba; --on-brand: #0b1f21; }
	* { box-sizing: border-box; }
	body { margin: 0; background: var(--bg); color: var(--fg); }
	header { display: flex; flex-wrap: wrap; gap: 0.75rem 1.5rem; align-items: center; justify-content: space-between;
		padding: 0.75rem clamp(1rem, 4vw, 2.5rem); background: var(--brand); color: var(--on-brand); }
	header strong { font-size: 1.15rem; letter-spacing: 0.02em; }
	header .user { font-size: 0.9rem; }
	header select { font: inherit; font-size: 0.9rem; }
	nav { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0.5rem clamp(1rem, 4vw, 2.5rem);
		border-bottom: 1px solid var(--line); font-size: 0.95rem; }
	nav a { color: var(--fg); }
	nav a[aria-current] { font-weight: bold; }
	main { max-width: 80rem; margin: 0 auto; padding: 1.5rem clamp(0.5rem, 3vw, 2.5rem) 3rem; }
	h1 { margin: 0 0 0.25rem; font-size: 1.6rem; }
	main > p { margin: 0 0 1.5rem; color: var(--muted); max-width: 48rem; }
	.widget { background: var(--card); border: 1px solid var(--line); border-radius: 12px; overflow: hidden; }
	details { margin-top: 2rem; color: var(--muted); }
	pre { overflow-x: auto; padding: 1rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
</style>
</head>
<body>
<header>
	<strong>${escape(page.portalName)}</strong>
	<span class="user">Signed in to the portal as ${escape(page.userName)}</span>
	<label>Theme
		<select id="theme">
			<option value="">System</option>
			<option value="light">Light</option>
			<option value="dark">Dark</option>
		</select>
	</label>
</header>
<nav aria-label="Portal">
	<a href="#">Dashboard</a>
	<a href="#">Circulation reports</a>
	<a href="#" aria-current="page">Staff administration</a>
	<a href="#">Help</a>
</nav>
<main>
	<h1>Staff administration</h1>
	<p>Who can use the network's analytics, and with which role. This part of the page comes from the
	Consortium Console: changes here are the console's, live.</p>
	<div class="widget">
		<membership-widget project="${escape(page.projectId)}" portal="${escape(page.portalId)}" ticket-url="/ticket"></membership-widget>
	</div>
	<details>
		<summary>How this page embeds it</summary>
		<pre><code>${escape(snippet)}</code></pre>
		<p>The portal's server answers <code>POST /ticket</code> for its signed-in person by asking the
		console for a ticket with its API key.</p>
	</details>
</main>
<script src="${escape(page.consoleUrl)}/embed/widget.js" async></script>
<script>
	const select = document.getElementById('theme');
	const widget = document.querySelector('membership-widget');
	select.addEventListener('change', () => {
		const theme = select.value;
		if (theme) { document.documentElement.dataset.theme = theme; widget.setAttribute('theme', theme); }
		else { delete document.documentElement.dataset.theme; widget.removeAttribute('theme'); }
	});
</script>
</body>
</html>`;
}
