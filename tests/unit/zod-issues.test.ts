import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
	EmailSchema,
	RegisterPortalRequestSchema,
	firstIssue,
	formatIssues,
	issueLines,
	issuesByField
} from '../../src/lib/shared';

const Settings = z.object({
	PORT: z.number().int().max(65_535),
	mail: z.object({ from: EmailSchema }),
	origins: z.array(z.string().startsWith('https://')).min(1)
});

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
	const parsed = schema.safeParse(value);
	if (parsed.success) throw new Error('the value fits');
	return parsed.error;
}

describe('what zod says about a value that does not fit', () => {
	const error = errorOf(Settings, {
		PORT: 70_000,
		mail: { from: 'not an address' },
		origins: ['https://a.example', 'http://b.example']
	});

	it('names each issue by the dotted path of its field, in order', () => {
		expect(issueLines(error).map((line) => line.path)).toEqual(['PORT', 'mail.from', 'origins.1']);
	});

	it('names the first thing wrong, for a field or a sentence that shows one complaint', () => {
		expect(firstIssue(error)).toEqual({ path: 'PORT', message: expect.any(String) });
		expect(firstIssue(errorOf(EmailSchema, 'nobody'))).toEqual({
			path: '',
			message: 'Enter a valid email address'
		});
	});

	it('gives forms the messages per field, and the whole value its own under a name', () => {
		expect(Object.keys(issuesByField(error))).toEqual(['PORT', 'mail.from', 'origins.1']);
		expect(issuesByField(errorOf(EmailSchema, 'nobody'))).toEqual({
			_: [expect.any(String)]
		});
		expect(issuesByField(errorOf(z.string().min(3), 'ab'), 'name')).toEqual({
			name: [expect.stringContaining('3')]
		});
	});

	it('keeps every message of a field that breaks two rules', () => {
		const twice = errorOf(z.object({ code: z.string().min(4).regex(/^\d+$/) }), { code: 'ab' });
		expect(issuesByField(twice).code).toHaveLength(2);
	});

	it('says it all on one line for a log or a command line, with the field before each message', () => {
		const line = formatIssues(error);
		expect(line.split('; ')).toHaveLength(3);
		expect(line).toMatch(/^PORT: .+; mail\.from: .+; origins\.1: .+$/);
		const short = errorOf(z.string().min(3), 'ab');
		expect(formatIssues(short)).toBe(short.issues[0]!.message);
	});

	it('reads a portal registration the way the form and the admin command show it', () => {
		const portal = errorOf(RegisterPortalRequestSchema, {
			name: 'Portal',
			origins: ['ftp://portal.example'],
			projectIds: ['p1']
		});
		expect(Object.keys(issuesByField(portal, 'origins'))).toEqual(['origins.0']);
		const twice = errorOf(RegisterPortalRequestSchema, {
			name: 'Portal',
			origins: ['https://portal.example', 'https://portal.example'],
			projectIds: ['p1', 'p1']
		});
		expect(issuesByField(twice)).toEqual({
			origins: ['Each origin once'],
			projectIds: ['Each project once']
		});
	});
});
