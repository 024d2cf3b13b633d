/**
 * Benchmarks write their figures into docs/performance.md, each into its own section between
 * markers, so that several benchmarks share the page without overwriting one another.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const PATH = 'docs/performance.md';
const HEADER = `# Performance

Figures measured by the benchmark scripts on the machine named in each section; they are rewritten
by the scripts, not by hand. Timed tests are not used: machines are shared and noisy, so each
figure that has a target is reported as a ratio against a baseline measured in the same run.
`;

export function machine(): string {
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function writeSection(name: string, body: string): void {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const page = existsSync(PATH) ? readFileSync(PATH, 'utf8') : HEADER;
	const section = `${start}\n${body.trim()}\n${end}`;
	const from = page.indexOf(start);
	const to = page.indexOf(end);
	const next =
		from >= 0 && to > from
			? page.slice(0, from) + section + page.slice(to + end.length)
			: `${page.trimEnd()}\n\n${section}\n`;
	writeFileSync(PATH, next);
	console.log(`${PATH}: section "${name}" written`);
}
