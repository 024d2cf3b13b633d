/**
 * The house has no circles (docs/architecture.md): no module of the server or the SPA reaches
 * itself again through its imports, type-only imports included, so that every part can be read,
 * tested and moved on its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = ['server', 'src'];
const SPECIFIER = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

function sourceFiles(directory: string): string[] {
	return readdirSync(directory).flatMap((name) => {
		const path = join(directory, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
	});
}

/** The file an import names, for imports inside the project; null for packages. */
function resolveImport(from: string, specifier: string): string | null {
	const base = specifier.startsWith('$lib/')
		? join(ROOT, 'src/lib', specifier.slice(5))
		: specifier === '$lib'
			? join(ROOT, 'src/lib')
			: specifier.startsWith('.')
				? resolve(dirname(from), specifier)
				: null;
	if (base === null) return null;
	const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
	return candidates.find((path) => statSafe(path)?.isFile()) ?? null;
}

function statSafe(path: string) {
	try {
		return statSync(path);
	} catch {
		return null;
	}
}

function importGraph(): Map<string, string[]> {
	const files = SOURCES.flatMap((source) => sourceFiles(join(ROOT, source)));
	return new Map(
		files.map((file) => {
			const text = readFileSync(file, 'utf8');
			const targets = [...text.matchAll(SPECIFIER)]
				.map((match) => resolveImport(file, match[1] ?? ''))
				.filter((target): target is string => target !== null);
			return [file, [...new Set(targets)]];
		})
	);
}

/** Strongly connected components of more than one module, or a module that imports itself. */
function circles(graph: Map<string, string[]>): string[][] {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string) => {
		index.set(node, counter);
		low.set(node, counter++);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component);
		}
	};
	for (const node of graph.keys()) if (!index.has(node)) visit(node);
	return found.map((component) => component.map((file) => relative(ROOT, file)).sort());
}

/**
 * The server's rooms (docs/architecture.md): each folder under server/ is one, and the files at
 * its top put the house together. A room may use another only if that one does not use it back.
 */
function roomGraph(graph: Map<string, string[]>): Map<string, string[]> {
	const roomOf = (file: string): string | null => {
		const path = relative(join(ROOT, 'server'), file);
		if (path.startsWith('..')) return null;
		const parts = path.split('/');
		return parts.length > 1 ? parts[0]! : '(top)';
	};
	const rooms = new Map<string, Set<string>>();
	for (const [file, targets] of graph) {
		const room = roomOf(file);
		if (room === null) continue;
		const uses = rooms.get(room) ?? new Set<string>();
		for (const target of targets) {
			const other = roomOf(target);
			if (other !== null && other !== room) uses.add(other);
		}
		rooms.set(room, uses);
	}
	return new Map([...rooms].map(([room, uses]) => [room, [...uses]]));
}

describe('the import graph', () => {
	it('has no circles in the server or the SPA', () => {
		expect(circles(importGraph())).toEqual([]);
	});

	it('has no circles between the server’s rooms, and db/, observability/ and http/ use no room', () => {
		const rooms = roomGraph(importGraph());
		expect(circles(rooms)).toEqual([]);
		expect(rooms.get('db')).toEqual([]);
		expect(rooms.get('observability')).toEqual([]);
		// The log is as basic as the database: the edge logs too.
		expect(rooms.get('http')).toEqual(['observability']);
	});

	it('finds a circle when there is one', () => {
		const graph = new Map([
			['a', ['b']],
			['b', ['c']],
			['c', ['a']],
			['d', ['a']]
		]);
		expect(circles(graph).map((component) => component.length)).toEqual([3]);
	});
});
