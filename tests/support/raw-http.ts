/**
 * Requests written as raw bytes on a TCP socket, so that nothing between the test and the server
 * (fetch, node:http's client) normalises or refuses them: malformed targets, odd headers, bodies
 * that do not match their declared length, upgrades that no WebSocket client would send.
 */
import { connect } from 'node:net';

export interface RawAnswer {
	/** The status of the first response, or null when the server closed without answering. */
	status: number | null;
	/** Header names in lower case; a repeated header keeps its last value. */
	headers: Record<string, string>;
	body: string;
	/** True when the answer was cut short by the timeout (the server neither answered nor closed). */
	timedOut: boolean;
}

export interface RawOptions {
	/** How long to wait for a whole answer. @default 3000 */
	timeoutMs?: number;
	/**
	 * Half-close the socket this long after writing: for requests whose body is shorter than they
	 * declare, so that the server learns that nothing more is coming.
	 */
	endAfterMs?: number;
	/** Reset the connection (TCP RST) right after writing, as a client that vanishes does. */
	resetAfterWrite?: boolean;
}

/** Sends `request` to the server at `url` (its host and port only) and reads the first answer. */
export function sendRaw(
	url: string,
	request: string | Buffer,
	options: RawOptions = {}
): Promise<RawAnswer> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect({ host: hostname, port: Number(port) });
		const chunks: Buffer[] = [];
		let settled = false;
		const finish = (timedOut: boolean) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve({ ...parseAnswer(Buffer.concat(chunks)), timedOut });
		};
		const timer = setTimeout(() => finish(true), options.timeoutMs ?? 3000);
		socket.on('connect', () => {
			if (options.resetAfterWrite) {
				socket.write(request, () => socket.resetAndDestroy());
				return;
			}
			socket.write(request);
			if (options.endAfterMs !== undefined) setTimeout(() => socket.end(), options.endAfterMs);
		});
		socket.on('data', (chunk: Buffer) => {
			chunks.push(chunk);
			if (isComplete(Buffer.concat(chunks))) finish(false);
		});
		// A server that closes while the request is still being written resets the connection;
		// what it answered before is in `chunks`.
		socket.on('error', () => finish(false));
		socket.on('close', () => finish(false));
	});
}

function isComplete(bytes: Buffer): boolean {
	const end = bytes.indexOf('\r\n\r\n');
	if (end < 0) return false;
	const { status, headers } = parseHead(bytes.subarray(0, end).toString('latin1'));
	if (status === 101) return true;
	const body = bytes.subarray(end + 4);
	if (headers['content-length'] !== undefined)
		return body.length >= Number(headers['content-length']);
	if (headers['transfer-encoding']?.includes('chunked')) return body.includes('0\r\n\r\n');
	return false;
}

function parseAnswer(bytes: Buffer): Omit<RawAnswer, 'timedOut'> {
	const end = bytes.indexOf('\r\n\r\n');
	if (end < 0) return { status: null, headers: {}, body: '' };
	const head = parseHead(bytes.subarray(0, end).toString('latin1'));
	const body = bytes.subarray(end + 4);
	const chunked = head.headers['transfer-encoding']?.includes('chunked') ?? false;
	return { ...head, body: (chunked ? dechunk(body) : body).toString('utf8') };
}

function dechunk(bytes: Buffer): Buffer {
	const chunks: Buffer[] = [];
	let at = 0;
	for (;;) {
		const lineEnd = bytes.indexOf('\r\n', at);
		const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
		if (lineEnd < 0 || !(size > 0)) break;
		chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
		at = lineEnd + 2 + size + 2;
	}
	return Buffer.concat(chunks);
}

function parseHead(head: string): { status: number | null; headers: Record<string, string> } {
	const [statusLine = '', ...lines] = head.split('\r\n');
	const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
	const headers: Record<string, string> = {};
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return { status: status ? Number(status) : null, headers };
}

/** A request as bytes: the request line, the headers as given (repeats allowed), the body. */
export function rawRequest(
	method: string,
	target: string,
	headers: readonly (readonly [string, string])[],
	body: string | Buffer = ''
): Buffer {
	const head = [
		`${method} ${target} HTTP/1.1`,
		...headers.map(([name, value]) => `${name}: ${value}`)
	];
	return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
}
