/**
 * Builds a message in both forms from the same parts, so that the plain-text and HTML versions
 * cannot drift apart. Every part is plain text; the HTML form escapes all of it, so nothing a
 * person typed (a name, a project name) can inject markup into a message.
 */
import { countOf } from '../../src/lib/shared';
import type { MailMessage } from './outbox';

export interface MailContent {
	to: string;
	subject: string;
	paragraphs: string[];
	/** The one thing to do, shown as a button and written out in full in the text form. */
	action?: { label: string; url: string };
	/** After the action: how long the link works, what to do if this was not you. */
	notes?: string[];
}

export const PRODUCT_NAME = 'Consortium Console';

export function composeMail(content: MailContent): MailMessage {
	const { to, subject, paragraphs, action, notes = [] } = content;
	const text = [
		...paragraphs,
		...(action ? [`${action.label}: ${action.url}`] : []),
		...notes,
		`— ${PRODUCT_NAME}`
	].join('\n\n');
	const html = [
		'<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a">',
		...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
		...(action ? [button(action.label, action.url)] : []),
		...notes.map((note) => `<p style="color: #555; font-size: 0.9em">${escapeHtml(note)}</p>`),
		`<p style="color: #555">— ${escapeHtml(PRODUCT_NAME)}</p>`,
		'</body></html>'
	].join('\n');
	return { to, subject, text: `${text}\n`, html };
}

export function escapeHtml(value: string): string {
	return value
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

function button(label: string, url: string): string {
	const href = escapeHtml(url);
	return [
		`<p><a href="${href}" style="display: inline-block; padding: 10px 18px; background: #2456a6;`,
		` color: #fff; text-decoration: none; border-radius: 4px">${escapeHtml(label)}</a></p>`,
		`<p style="font-size: 0.9em">Or open this address: <a href="${href}">${href}</a></p>`
	].join('');
}

/** "15 minutes", "1 hour", "7 days": how long a link works, as people say it. */
export function describeDuration(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 60 || minutes % 60 !== 0) return countOf(minutes, 'minute');
	const hours = minutes / 60;
	if (hours < 24 || hours % 24 !== 0) return countOf(hours, 'hour');
	return countOf(hours / 24, 'day');
}
