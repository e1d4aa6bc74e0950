/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Heavy dependencies, loaded on first use instead of when the bundle loads: undici, dockerode and
 * yaml are most of dist/extension.js, and evaluating them at load would put them on VS Code's
 * start-up path (bench/activation measures it). esbuild keeps each `require` lazy in the bundle.
 */
export function undici(): typeof import('undici') {
  return require('undici');
}

export function dockerode(): typeof import('dockerode') {
  return require('dockerode');
}

export function yaml(): typeof import('yaml') {
  return require('yaml');
}
