/**
 * The server's log: one pino logger, made once where the server is put together (server/main.ts,
 * or createApp for tests) and handed down to the parts that report, which add what they know
 * (a request id, a document name) as child loggers. JSON lines in production, for a log collector
 * to search; readable lines elsewhere, for a person at a terminal.
 *
 * No secret reaches a line: the fields that hold one are redacted by name wherever they appear
 * (`SECRET_FIELDS`), and code that logs never puts one in a message. The one exception is the
 * readable (development) log, which shows `secretLinks`: the links of mail kept in the local
 * outbox and the demo admin's sign-in link, since a newcomer without SMTP has no other way in.
 * JSON logs redact them like every other secret.
 */
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type Log = Logger;
export type LogLevel = LevelWithSilent;
export type LogFormat = 'json' | 'readable';

export interface LogSettings {
	level: LogLevel;
	format: LogFormat;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Where links that carry a token go: shown in the readable log only (see above). */
export const SECRET_LINKS = 'secretLinks';

/** Fields that hold a secret, redacted at the top of a line and two levels down. */
const SECRET_FIELDS = [
	'token',
	'password',
	'apiKey',
	'secret',
	'cookie',
	'authorization',
	'set-cookie',
	'link',
	'links'
];

const REDACTED = '[redacted]';

function redactedPaths(fields: readonly string[]): string[] {
	return fields.flatMap((field) => {
		const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
		const nested = key.startsWith('[') ? key : `.${key}`;
		return [key, `*${nested}`, `*.*${nested}`];
	});
}

/**
 * The logger, writing to `destination` (standard output by default, synchronously, so that the
 * last lines before an exit are not lost).
 */
export function createLogger(
	settings: LogSettings,
	destination: DestinationStream = process.stdout
): Log {
	const readable = settings.format === 'readable';
	return pino(
		{
			level: settings.level,
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: { level: (label) => ({ level: label }) },
			redact: {
				paths: redactedPaths(readable ? SECRET_FIELDS : [...SECRET_FIELDS, SECRET_LINKS]),
				censor: REDACTED
			}
		},
		readable
			? readableLines(destination)
			: destination === process.stdout
				? pino.destination({ dest: 1, sync: true })
				: destination
	);
}

/** Fields every line has, or that the readable form shows in a place of their own. */
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err', SECRET_LINKS]);

/** Turns pino's JSON lines into lines for a person: time, level, message, then the fields. */
function readableLines(destination: DestinationStream): DestinationStream {
	return { write: (line: string) => destination.write(readableLine(JSON.parse(line))) };
}

function readableLine(entry: Record<string, unknown>): string {
	const time =
		typeof entry.time === 'string' ? new Date(entry.time).toTimeString().slice(0, 8) : '';
	const level = String(entry.level ?? '').toUpperCase();
	const message = String(entry.msg ?? '');
	const fields = Object.entries(entry)
		// A field the message already says (the URL the server runs at) is not said twice.
		.filter(([name, value]) => !SHOWN_APART.has(name) && !saidIn(message, value))
		.map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
	const head = `${time} ${level.padEnd(5)} ${message}`;
	const lines = [fields.length > 0 ? `${head}  ${fields.join(' ')}` : head];
	const links = entry[SECRET_LINKS];
	if (Array.isArray(links)) lines.push(...links.map((link) => `    ${String(link)}`));
	const error = entry.err as { stack?: string; message?: string } | undefined;
	if (error) lines.push(indent(error.stack ?? error.message ?? String(error)));
	return `${lines.join('\n')}\n`;
}

function saidIn(message: string, value: unknown): boolean {
	return typeof value === 'string' && value.length > 0 && message.includes(value);
}

function indent(text: string): string {
	return text
		.split('\n')
		.map((line) => `    ${line}`)
		.join('\n');
}
