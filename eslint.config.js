import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * The boundaries of the codebase (docs/architecture.md): the server may import only the shared
 * part of src/; src/ never imports the server; the shared part depends on zod and itself only.
 */
const serverPatterns = [
	{
		regex: '(^|/)src/(?!lib/shared(/|$))',
		message: 'The server may import only src/lib/shared/ from src/.'
	},
	{ regex: '^\\$(app|lib)/', message: 'SvelteKit aliases are not available to the server.' }
];

const serverBoundary = {
	files: ['server/**/*.ts', 'scripts/**/*.ts'],
	rules: { 'no-restricted-imports': ['error', { patterns: serverPatterns }] }
};

/**
 * Only the edge speaks HTTP: domain code returns failures as values (src/lib/shared/outcome.ts),
 * and routes, the app and the sync endpoint turn them into answers.
 */
const domainBoundary = {
	files: ['server/**/*.ts'],
	ignores: [
		'server/http/**',
		'server/**/routes.ts',
		'server/**/routes/**',
		'server/**/*-route.ts',
		'server/**/*-routes.ts',
		'server/embed/route-params.ts',
		'server/lookup-tables/upload.ts',
		'server/lookup-tables/lexicon-export.ts',
		'server/features/index.ts',
		'server/sync/sync-server.ts',
		'server/app.ts',
		'server/main.ts'
	],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					...serverPatterns,
					{
						regex: '(^|/)http/',
						message:
							'Domain code never speaks HTTP: return a failure (src/lib/shared/outcome.ts); the route turns it into an HTTP error.'
					}
				]
			}
		]
	}
};

const appBoundary = {
	files: ['src/**/*.ts', 'src/**/*.svelte'],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						regex: '(^|/)server(/|$)',
						message: 'The SPA never imports the server: share code through src/lib/shared/.'
					}
				]
			}
		]
	}
};

const sharedBoundary = {
	files: ['src/lib/shared/**/*.ts'],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						regex: '^(?!zod$|\\./|\\.\\./(?!\\.\\./)|\\.\\./\\.\\./(?!\\.\\./))',
						message:
							'src/lib/shared/ depends on zod and itself only: it runs in the browser and on the server.'
					}
				]
			}
		]
	}
};

export default ts.config(
	{ ignores: ['build/', 'dist/', '.svelte-kit/', 'data/', 'node_modules/', 'docs/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				// The service worker has its own types (webworker), outside the app's tsconfig.
				projectService: { allowDefaultProject: ['src/service-worker.ts'] },
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname
			}
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } }
	},
	{
		files: ['**/*.ts', '**/*.svelte'],
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
			]
		}
	},
	{ files: ['**/*.js'], ...ts.configs.disableTypeChecked },
	serverBoundary,
	domainBoundary,
	appBoundary,
	sharedBoundary
);
