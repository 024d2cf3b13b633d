/**
 * A Vite plugin that describes the SPA's build in `_app/build.json`, beside its files:
 *
 * - `developerPages`: whether the build has the developer pages (/dev/...), which the
 *   production build leaves out (`npm start` rebuilds a build without them);
 * - `shell`: the app shell, the files the service worker keeps at install so that the console's
 *   pages open offline (src/service-worker.ts). It is SvelteKit's entry (start and app), the root
 *   layout and error page, and every page of the console, each with the chunks and styles it
 *   imports. Left out: the developer pages, the embedded widget's route (/embed/..., which never
 *   runs under the service worker), and chunks loaded only when asked (dynamic imports), which the
 *   worker keeps once they are used.
 *
 * The shell is read from the client bundle: SvelteKit builds each route's node as an entry
 * (`generated/client-optimized/nodes/N.js`), which imports the route's files.
 */
import type { Plugin, Rollup } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

export const BUILD_DESCRIPTION = '_app/build.json';

export interface BuildDescription {
	developerPages: boolean;
	/** Paths of the shell's files, `/_app/immutable/…`. */
	shell: string[];
}

/** Routes whose pages are not part of the shell. */
const LEFT_OUT = [/\/src\/routes\/dev\//, /\/src\/routes\/embed\//];
const ROUTE_NODE = /\/generated\/client-optimized\/nodes\/\d+\.js$/;

export function describeTheBuild(options: { developerPages: boolean }): Plugin {
	return {
		name: 'console-build-description',
		apply: 'build',
		generateBundle(_output, bundle) {
			if (this.environment.name !== 'client') return;
			const leftOut = (chunk: OutputChunk) =>
				ROUTE_NODE.test(chunk.facadeModuleId ?? '') &&
				(this.getModuleInfo(chunk.facadeModuleId!)?.importedIds ?? []).some((id) =>
					LEFT_OUT.some((pattern) => pattern.test(id))
				);
			const entries = chunksOf(bundle).filter((chunk) => chunk.isEntry && !leftOut(chunk));
			const description: BuildDescription = {
				developerPages: options.developerPages,
				shell: [...withStaticImports(entries, bundle)].map((file) => `/${file}`).sort()
			};
			this.emitFile({
				type: 'asset',
				fileName: BUILD_DESCRIPTION,
				source: JSON.stringify(description, null, '\t')
			});
		}
	};
}

function chunksOf(bundle: OutputBundle): OutputChunk[] {
	return Object.values(bundle).filter((file): file is OutputChunk => file.type === 'chunk');
}

/** The chunks' files, the chunks they import statically (transitively), and their styles. */
function withStaticImports(chunks: OutputChunk[], bundle: OutputBundle): Set<string> {
	const files = new Set<string>();
	const visit = (chunk: OutputChunk) => {
		if (files.has(chunk.fileName)) return;
		files.add(chunk.fileName);
		for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
		for (const imported of chunk.imports) {
			const next = bundle[imported];
			if (next?.type === 'chunk') visit(next);
		}
	};
	chunks.forEach(visit);
	return files;
}
