// ESLint flat config: eslint's and typescript-eslint's recommended rules (not the type-checked
// sets, to keep `npm run lint` fast). `npm run lint` allows no warnings.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The Node globals the plain .mjs/.js scripts use (TypeScript files get them from @types/node). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController', 'AbortSignal', 'Buffer', 'URL', 'URLSearchParams', 'TextDecoder', 'TextEncoder',
    'clearImmediate', 'clearInterval', 'clearTimeout', 'console', 'fetch', 'globalThis', 'performance',
    'process', 'queueMicrotask', 'setImmediate', 'setInterval', 'setTimeout', 'structuredClone',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', '.vscode-test/', 'src/backends/**/*.gen.ts', 'src/api/*.gen.ts', 'media/', 'docs/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: nodeGlobals,
    },
  },
  {
    // Callbacks passed to Playwright's evaluate() run in the workbench page.
    files: ['test/e2e/**'],
    languageOptions: { globals: { document: 'readonly', getComputedStyle: 'readonly', window: 'readonly' } },
  },
);
