/**
 * A real SMTP server (smtp-server) on 127.0.0.1, port 0, for tests that follow emailed links:
 * point the app at `url` (SMTP_URL), wait for the next message to an address, read a link out of
 * it, stop the server. Messages are decoded just enough for our own mail: multipart/alternative
 * with quoted-printable, base64 or 7bit parts, and encoded-word subjects.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
	to: string[];
	subject: string;
	text: string;
	html: string;
}

export interface TestSmtpServer {
	/** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
	url: string;
	/** Every message received so far, in order. */
	received: ReceivedMail[];
	/** The next message to `address` not yet returned by this function; waits for it if need be. */
	nextMessageTo(address: string): Promise<ReceivedMail>;
	/** Answers the next `count` messages with this SMTP reply code instead of accepting them. */
	rejectNext(count: number, responseCode: number): void;
	stop(): Promise<void>;
}

/** Guards against a test hanging forever on a message that never comes; not a timing assertion. */
const WAIT_LIMIT_MS = 10_000;

export async function startSmtpServer(): Promise<TestSmtpServer> {
	const received: ReceivedMail[] = [];
	const unclaimed: ReceivedMail[] = [];
	const waiters: { address: string; resolve: (mail: ReceivedMail) => void }[] = [];
	let rejections: { count: number; responseCode: number } = { count: 0, responseCode: 0 };

	const deliver = (mail: ReceivedMail) => {
		received.push(mail);
		const index = waiters.findIndex((waiter) => mail.to.includes(waiter.address));
		if (index >= 0) waiters.splice(index, 1)[0]!.resolve(mail);
		else unclaimed.push(mail);
	};

	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		disableReverseLookup: true,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				if (rejections.count > 0) {
					rejections = { ...rejections, count: rejections.count - 1 };
					const error = Object.assign(new Error('Rejected by the test'), {
						responseCode: rejections.responseCode
					});
					return callback(error);
				}
				const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
				deliver({ to, ...parseMessage(Buffer.concat(chunks).toString('utf8')) });
				callback();
			});
		}
	});
	const listener = server.listen(0, '127.0.0.1');
	await new Promise<void>((resolve) => listener.once('listening', resolve));
	const { port } = listener.address() as AddressInfo;

	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		nextMessageTo(address) {
			const wanted = address.toLowerCase();
			const index = unclaimed.findIndex((mail) => mail.to.includes(wanted));
			if (index >= 0) return Promise.resolve(unclaimed.splice(index, 1)[0]!);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(
					() => reject(new Error(`No message to ${wanted} arrived`)),
					WAIT_LIMIT_MS
				);
				waiters.push({
					address: wanted,
					resolve: (mail) => {
						clearTimeout(timer);
						resolve(mail);
					}
				});
			});
		},
		rejectNext(count, responseCode) {
			rejections = { count, responseCode };
		},
		stop: () => new Promise((resolve) => server.close(() => resolve()))
	};
}

/** The first link in the message's text whose path starts with `path`. */
export function extractLink(mail: ReceivedMail, path: string): string {
	const links = mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
	const link = links.find((candidate) => new URL(candidate).pathname.startsWith(path));
	if (!link) throw new Error(`No link to ${path} in "${mail.subject}":\n${mail.text}`);
	return link;
}

/** The token a link carries in its fragment (`#token=...`). */
export function tokenFromLink(link: string): string {
	const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token');
	if (!token) throw new Error(`No token in ${link}`);
	return token;
}

function parseMessage(raw: string): Omit<ReceivedMail, 'to'> {
	const { headers, body } = splitEntity(raw);
	const parts = partsOf(headers, body);
	const part = (type: string) => parts.find((candidate) => candidate.type === type)?.content ?? '';
	return {
		subject: decodeWords(headers.get('subject') ?? ''),
		text: part('text/plain'),
		html: part('text/html')
	};
}

function partsOf(headers: Map<string, string>, body: string): { type: string; content: string }[] {
	const contentType = headers.get('content-type') ?? 'text/plain';
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) {
		const type = contentType.split(';')[0]!.trim().toLowerCase();
		return [{ type, content: decodeBody(body, headers.get('content-transfer-encoding')) }];
	}
	return body
		.split(`--${boundary}`)
		.slice(1)
		.filter((section) => !section.startsWith('--'))
		.flatMap((section) => {
			// The line breaks around a boundary belong to the boundary, not to the parts.
			const entity = splitEntity(section.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
			return partsOf(entity.headers, entity.body);
		});
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
	const end = raw.search(/\r?\n\r?\n/);
	const head = end < 0 ? raw : raw.slice(0, end);
	const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
	const headers = new Map<string, string>();
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	return { headers, body };
}

function decodeBody(body: string, encoding = '7bit'): string {
	switch (encoding.toLowerCase()) {
		case 'base64':
			return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
		case 'quoted-printable':
			return decodeQuotedPrintable(body.replace(/=\r?\n/g, ''));
		default:
			return body.replace(/\r\n/g, '\n');
	}
}

function decodeQuotedPrintable(text: string): string {
	const bytes: number[] = [];
	for (let index = 0; index < text.length; index++) {
		const hex = text.slice(index + 1, index + 3);
		if (text[index] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
			bytes.push(parseInt(hex, 16));
			index += 2;
		} else bytes.push(...Buffer.from(text[index]!, 'utf8'));
	}
	return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

function decodeWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(
			/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
			(_, _charset: string, kind: string, text: string) =>
				kind.toUpperCase() === 'B'
					? Buffer.from(text, 'base64').toString('utf8')
					: decodeQuotedPrintable(text.replace(/_/g, ' '))
		);
}
