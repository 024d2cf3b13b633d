/**
 * The server's settings, read once from the environment and validated. Every setting has a
 * default that makes `npm start` work on a fresh machine: one port, SQLite under ./data/, mail
 * kept in a local outbox.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { formatIssues } from '../src/lib/shared';
import { DEFAULT_AUTH_POLICY, type AuthPolicy } from './auth/settings';
import { DEFAULT_EMBED_SETTINGS, type EmbedSettings } from './embed/settings';

const EnvSchema = z.object({
	HOST: z.string().default('127.0.0.1'),
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	/** The address people reach the console at; every link in every email is built from it. */
	PUBLIC_URL: z.url().optional(),
	DATA_DIR: z.string().default('data'),
	/** `smtp://user:pass@host:port` (or smtps://). Unset: mail goes to the local outbox. */
	SMTP_URL: z.string().optional(),
	MAIL_FROM: z.string().default('Consortium Console <no-reply@localhost>'),
	/** `production`: an operator's console (see `Config.production`). */
	NODE_ENV: z.string().optional()
});

export interface Config {
	host: string;
	port: number;
	/** Null: the address the server binds to (tests on port 0). */
	publicUrl: string | null;
	dataDir: string;
	databasePath: string;
	smtpUrl: string | null;
	mailFrom: string;
	/** NODE_ENV=production: an operator's console (no demo, no developer routes). */
	production: boolean;
	/**
	 * The developer routes: the local outbox (`/api/dev/outbox`, `/dev/outbox`) and the component
	 * gallery (`/dev/components`). Only in development: off when NODE_ENV=production, and off when
	 * SMTP_URL is set (real mail goes out, so there is no local outbox to show).
	 */
	developerRoutes: boolean;
	/** Where the built SPA is served from. */
	staticDir: string;
	/** Session and link lifetimes, password cost, rate limits (server/auth/settings.ts). */
	auth: AuthPolicy;
	/** Ticket and embedded-session lifetimes, rate limits (server/embed/settings.ts). */
	embed: EmbedSettings;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const parsed = EnvSchema.safeParse(env);
	if (!parsed.success) {
		throw new Error(`Invalid environment: ${formatIssues(parsed.error)}`);
	}
	const values = parsed.data;
	const dataDir = resolve(values.DATA_DIR);
	return {
		host: values.HOST,
		port: values.PORT,
		publicUrl: values.PUBLIC_URL
			? values.PUBLIC_URL.replace(/\/+$/, '')
			: values.PORT === 0
				? null
				: `http://localhost:${values.PORT}`,
		dataDir,
		databasePath: resolve(dataDir, 'console.sqlite'),
		smtpUrl: values.SMTP_URL ?? null,
		mailFrom: values.MAIL_FROM,
		production: values.NODE_ENV === 'production',
		developerRoutes: values.NODE_ENV !== 'production' && !values.SMTP_URL,
		staticDir: resolve('build'),
		auth: structuredClone(DEFAULT_AUTH_POLICY),
		embed: structuredClone(DEFAULT_EMBED_SETTINGS)
	};
}
