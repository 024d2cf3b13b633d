/**
 * The server's real logger (server/observability/log.ts), writing into memory instead of standard
 * output, for tests that read what was logged: JSON lines as production writes them, or the
 * readable lines of development.
 */
import {
	createLogger,
	type Log,
	type LogFormat,
	type LogLevel
} from '../../server/observability/log';

export interface CapturedLog {
	log: Log;
	/** Everything written so far, as written. */
	text(): string;
	/** The JSON lines written so far, parsed (format `json` only). */
	entries(): Array<Record<string, unknown>>;
}

export function captureLog(format: LogFormat = 'json', level: LogLevel = 'debug'): CapturedLog {
	const written: string[] = [];
	const log = createLogger({ level, format }, { write: (line: string) => written.push(line) });
	return {
		log,
		text: () => written.join(''),
		entries: () =>
			written
				.join('')
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => JSON.parse(line) as Record<string, unknown>)
	};
}
