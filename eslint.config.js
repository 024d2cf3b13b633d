import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * The boundaries of the codebase (docs/architecture.md): the server may import only the shared
 * part of src/; src/ never imports the server; the shared part depends on zod and itself only.
 */
const serverBoundary = {
	files: ['server/**/*.ts', 'scripts/**/*.ts'],
	rules: {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						regex: '(^|/)src/(?!lib/shared(/|$))',
						message: 'The server may import only src/lib/shared/ from src/.'
					},
					{ regex: '^\\$(app|lib)/', message: 'SvelteKit aliases are not available to the server.' }
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
	{ ignores: ['build/', '.svelte-kit/', 'data/', 'node_modules/', 'docs/'] },
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
	appBoundary,
	sharedBoundary
);
