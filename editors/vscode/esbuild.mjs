// Bundles the extension (and, with --tests, the Node test files) with esbuild.
//
//   node esbuild.mjs            -> dist/extension.js (what the VSIX ships)
//   node esbuild.mjs --watch    -> same, rebuilt on change
//   node esbuild.mjs --tests    -> out/test/*.test.js (run by `npm test`)
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const production = !watch && !tests;

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  logLevel: 'info',
};

if (tests) {
  await esbuild.build({
    ...common,
    entryPoints: ['src/test/grammar.test.ts', 'src/test/serverPath.test.ts', 'src/test/documentSelector.test.ts', 'src/test/settings.test.ts'],
    outdir: 'out/test',
    sourcemap: 'inline',
    // The grammar test loads these at run time from node_modules (the
    // Oniguruma WebAssembly file is resolved relative to its package).
    external: ['vscode', 'vscode-textmate', 'vscode-oniguruma'],
  });
} else {
  const options = {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
