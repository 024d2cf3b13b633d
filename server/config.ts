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
import { decodeSecretKey, type SecretKeySource } from './identity/secret-box';
import { LOG_LEVELS, type LogLevel, type LogSettings } from './observability/log';

const EnvSchema = z.object({
	HOST: z.string().default('127.0.0.1'),
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	/** The address people reach the console at; every link in every email is built from it. */
	PUBLIC_URL: z.url().optional(),
	DATA_DIR: z.string().default('data'),
	/** `smtp://user:pass@host:port` (or smtps://). Unset: mail goes to the local outbox. */
	SMTP_URL: z.string().optional(),
	/** `true`: a production server without SMTP_URL keeps mail in the local outbox on purpose
	 * (a trial); without it such a server refuses to start, since nobody would receive mail. */
	LOCAL_OUTBOX: z.enum(['true', 'false']).default('false'),
	MAIL_FROM: z.string().default('Consortium Console <no-reply@localhost>'),
	/** `production`: an operator's console (see `Config.production`): JSON logs at info. `test`:
	 * readable logs at warn. Else readable logs at info. */
	NODE_ENV: z.string().optional(),
	/** Overrides the log level of the environment. */
	LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
	/** Serves /metrics on the console's port to requests bearing this token. */
	METRICS_TOKEN: z
		.string()
		.min(32, 'METRICS_TOKEN must be at least 32 characters long (openssl rand -hex 32 makes one).')
		.optional(),
	/** Serves /metrics on this port of 127.0.0.1 (0: any free port). */
	METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
	/**
	 * The key that seals identity providers' client secrets: 32 bytes in base64. Unset: one is
	 * generated into `<DATA_DIR>/identity-secret.key` (0600) when first needed.
	 */
	IDENTITY_SECRET_KEY: z
		.string()
		.transform((value, ctx) => {
			const key = decodeSecretKey(value);
			if (!key)
				ctx.addIssue({
					code: 'custom',
					message:
						'IDENTITY_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32 makes one).'
				});
			return key ?? new Uint8Array();
		})
		.optional()
});

export interface Config {
	host: string;
	port: number;
	/** Null: the address the server binds to (tests on port 0). */
	publicUrl: string | null;
	dataDir: string;
	databasePath: string;
	smtpUrl: string | null;
	/** LOCAL_OUTBOX=true: no SMTP_URL in production is intended (see `mailGoesNowhere`). */
	localOutboxIntended: boolean;
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
	log: LogSettings;
	/** Where /metrics is served; nothing is measured when neither is set (docs/operations.md). */
	metrics: { token: string | null; port: number | null };
	/** The key that seals identity providers' client secrets (server/identity/secret-box.ts). */
	identitySecretKey: SecretKeySource;
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
		localOutboxIntended: values.LOCAL_OUTBOX === 'true',
		mailFrom: values.MAIL_FROM,
		production: values.NODE_ENV === 'production',
		developerRoutes: values.NODE_ENV !== 'production' && !values.SMTP_URL,
		staticDir: resolve('build'),
		auth: structuredClone(DEFAULT_AUTH_POLICY),
		embed: structuredClone(DEFAULT_EMBED_SETTINGS),
		log: {
			level: values.LOG_LEVEL ?? defaultLogLevel(values.NODE_ENV),
			format: values.NODE_ENV === 'production' ? 'json' : 'readable'
		},
		metrics: { token: values.METRICS_TOKEN ?? null, port: values.METRICS_PORT ?? null },
		identitySecretKey: {
			key: values.IDENTITY_SECRET_KEY ?? null,
			file: resolve(dataDir, 'identity-secret.key')
		}
	};
}

/** What each environment wants to hear: tests only what goes wrong. */
function defaultLogLevel(environment: string | undefined): LogLevel {
	return environment === 'test' ? 'warn' : 'info';
}

/**
 * A production server with no SMTP_URL would invite people and send sign-in links that nobody
 * receives, so it refuses to start unless the operator said LOCAL_OUTBOX=true (a trial run).
 * `npm start` (not production) keeps mail in the outbox as the newcomer's demo expects.
 */
export function mailGoesNowhere(config: Config): boolean {
	return config.production && !config.smtpUrl && !config.localOutboxIntended;
}
