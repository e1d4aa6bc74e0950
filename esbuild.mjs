// One build script for everything that ships: the extension host bundle (node, cjs) and the
// webview bundles (browser, iife). `--watch` rebuilds on change, `--production` minifies and drops
// source maps.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/**
 * docker-modem loads `ssh2` at module load for ssh:// DOCKER_HOSTs, and ssh2 pulls optional native
 * addons (cpu-features, sshcrypto) that cannot ship in a .vsix. We point `ssh2` at a small module
 * that fails with a clear message only when an ssh:// engine is actually used.
 */
const ssh2Unavailable = {
  name: 'ssh2-unavailable',
  setup(build) {
    build.onResolve({ filter: /^(ssh2|cpu-features)$/ }, () => ({ path: path.join(root, 'src/platform/ssh2Unavailable.ts') }));
  },
};

/**
 * dockerode's BuildKit session and progress modules bring gRPC + protobuf (~400 KB, most of the
 * bundle's load time) for `buildImage({version: '2'})`, which the extension never calls.
 */
const buildkitUnavailable = {
  name: 'buildkit-unavailable',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) =>
      /[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: path.join(root, 'src/platform/buildkitUnavailable.ts') } : undefined,
    );
  },
};

/**
 * The heavy libraries (undici, dockerode, yaml) are most of the extension's code but none is
 * needed to activate. Each becomes its own file under dist/vendor/, loaded on first use
 * (src/platform/lazyModules.ts), so VS Code's start-up does not even parse them.
 */
const VENDORED = ['undici', 'dockerode', 'yaml'];
const vendorExternal = {
  name: 'vendor-external',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${VENDORED.join('|')})$`) }, (args) => ({ path: `./vendor/${args.path}.js`, external: true }));
  },
};

/** Logs each rebuild's result so `npm run watch` in a terminal shows errors as they happen. */
const reporter = (label) => ({
  name: 'reporter',
  setup(build) {
    build.onEnd((result) => {
      const errors = result.errors.length;
      console.log(`[esbuild] ${label}: ${errors ? `${errors} error(s)` : 'ok'}`);
    });
  },
});

const extensionOptions = {
  entryPoints: { extension: path.join(root, 'src/extension.ts') },
  outdir: path.join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  metafile: true,
  logLevel: 'warning',
  plugins: [vendorExternal, reporter('extension')],
};

const vendorOptions = {
  entryPoints: Object.fromEntries(VENDORED.map((name) => [`vendor/${name}`, name])),
  outdir: path.join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  minify: production,
  logLevel: 'warning',
  plugins: [ssh2Unavailable, buildkitUnavailable, reporter('vendor')],
};

// Each folder under media/ with a main.ts is one webview: dist/webview/<folder>.js (+ .css).
const webviewEntries = Object.fromEntries(
  readdirSync(path.join(root, 'media'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, 'media', d.name, 'main.ts')))
    .map((d) => [d.name, path.join(root, 'media', d.name, 'main.ts')]),
);

const webviewOptions = {
  entryPoints: webviewEntries,
  outdir: path.join(root, 'dist/webview'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [reporter('webviews')],
};

// A production build starts from an empty dist/ so no stale source maps ship.
if (production) rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const builds = [extensionOptions, vendorOptions, ...(Object.keys(webviewEntries).length ? [webviewOptions] : [])];
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[esbuild] watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
