// One build script: the extension (node/cjs), the embedded demo server (loaded only on demand),
// the sandbox CLI, the webview script (browser) and the integration-test suite.
// Flags: --production (minify, no sourcemaps), --watch, --sandbox (only the sandbox CLI).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const sandboxOnly = process.argv.includes('--sandbox');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
};

/**
 * The panel's stylesheet and the codicon font go next to webview.js: the webview may load only
 * from dist/ (`localResourceRoots`), and the packaged extension has no node_modules.
 */
const webviewAssets = {
  name: 'webview-assets',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist/codicons', { recursive: true });
      copyFileSync('media/panel.css', 'dist/panel.css');
      for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);
    });
  },
};

const contexts = [
  { ...node, entryPoints: { 'sandbox-cli': 'src/sandbox/cli.ts' }, outdir: 'dist' },
];
if (!sandboxOnly) {
  contexts.push({ ...node, entryPoints: { extension: 'src/extension.ts', sandbox: 'src/sandbox/index.ts' }, outdir: 'dist' });
  if (existsSync('src/webview/main.ts')) {
    contexts.push({
      bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production,
      sourcemap: !production, logLevel: 'warning',
      entryPoints: { webview: 'src/webview/main.ts' }, outdir: 'dist',
      plugins: [webviewAssets],
    });
  }
  if (!production && existsSync('test/integration/suite/index.ts')) {
    contexts.push({ ...node, external: ['vscode', 'mocha'], entryPoints: { index: 'test/integration/suite/index.ts' }, outdir: 'dist/test' });
  }
}

for (const options of contexts) {
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
if (watch) console.log('[watch] build started');
