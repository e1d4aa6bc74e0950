import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ComposeCliRunner, detectComposeCli } from '../../src/clients/composeCli';
import { appProject } from '../../src/clients/composeProjects';
import type { ComposeProjectModel } from '../../src/core/composeModel';
import { COMPOSE_FILE_NAMES } from '../../src/core/composeProject';

// The conformance tier: the extension's project model on 150 real-world compose files, compared
// with what Docker Compose v2 itself prints for the same files (`docker compose -f … config
// --format json`, run from the file's folder so `.env` applies). The corpus lives outside the
// project (../shared/compose-corpus in CI; REALM_COMPOSE_CORPUS elsewhere) and is never copied in.
const CORPUS = process.env.REALM_COMPOSE_CORPUS ?? path.resolve(__dirname, '../../../../shared/compose-corpus');
const FILES = path.join(CORPUS, 'files');

interface Case {
  name: string;
  dir: string;
  /** Relative to dir; empty: compose picks the default files itself. */
  files: string[];
}

/** The facts compared: what a user sees in the tree and what the healer acts on. */
interface Facts {
  accepted: boolean;
  name?: string;
  all?: string[];
  defaults?: string[];
  edges?: string[];
  profiles?: Record<string, string[]>;
  labels?: Record<string, Record<string, string>>;
  healthchecks?: Record<string, string[] | null>;
}

function cases(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const yamls = entries.filter((e) => e.isFile() && /\.ya?ml(\.example)?$/.test(e.name)).map((e) => e.name);
    const base = COMPOSE_FILE_NAMES.find((n) => yamls.includes(n));
    const rel = path.relative(FILES, dir);
    for (const f of yamls.filter((y) => !y.endsWith('.example'))) out.push({ name: `${rel}/${f}`, dir, files: [f] });
    if (base) out.push({ name: `${rel}/ (auto-detected${fs.existsSync(path.join(dir, '.env')) ? ', with .env' : ''})`, dir, files: [] });
    // the combinations the folder suggests: an override (X.override.yml → X.yml), else each other
    // file of a folder that has a default base file, as `-f base -f other`
    for (const f of yamls) {
      if (f === base) continue;
      const overrideOf = /^(.*)\.override(\.ya?ml)(\.example)?$/.exec(f);
      const pairBase = overrideOf && yamls.includes(`${overrideOf[1]}${overrideOf[2]}`) ? `${overrideOf[1]}${overrideOf[2]}` : base;
      if (pairBase && pairBase !== f) out.push({ name: `${rel}/ -f ${pairBase} -f ${f}`, dir, files: [pairBase, f] });
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(FILES);
  return out;
}

/** Docker Compose's own answer, read straight from its JSON (independent of the extension's mapping). */
async function reference(c: Case): Promise<Facts> {
  const args = (extra: string[]) => ['compose', ...c.files.flatMap((f) => ['-f', f]), ...extra, 'config', '--format', 'json'];
  const [all, defaults] = await Promise.all([run(c.dir, args(['--profile', '*'])), run(c.dir, args([]))]);
  if (!defaults) return { accepted: false };
  const services = ((all ?? defaults).services ?? {}) as Record<string, Record<string, unknown>>;
  const facts: Facts = {
    accepted: true,
    name: defaults.name as string,
    all: Object.keys(services).sort(),
    defaults: Object.keys(defaults.services ?? {}).sort(),
    edges: [],
    profiles: {},
    labels: {},
    healthchecks: {},
  };
  for (const [name, s] of Object.entries(services)) {
    for (const [dep, spec] of Object.entries((s.depends_on ?? {}) as Record<string, { condition?: string; required?: boolean }>)) {
      facts.edges!.push(`${name}->${dep}:${spec.condition ?? 'service_started'}${spec.required === false ? ':optional' : ''}`);
    }
    facts.profiles![name] = ((s.profiles ?? []) as string[]).slice();
    facts.labels![name] = (s.labels ?? {}) as Record<string, string>;
    const hc = s.healthcheck as { test?: string[]; disable?: boolean } | undefined;
    facts.healthchecks![name] = hc && !hc.disable && hc.test && hc.test[0] !== 'NONE' ? hc.test : null;
  }
  facts.edges!.sort();
  return facts;
}

/** prlimit caps compose's memory: a self-referencing alias makes compose 2.26 grow without bound. */
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => fs.existsSync(p));

function run(cwd: string, args: string[]): Promise<Record<string, unknown> | undefined> {
  const [program, argv] = PRLIMIT ? [PRLIMIT, ['--as=4294967296', '--', 'docker', ...args]] : ['docker', args];
  return new Promise((resolve) =>
    execFile(program, argv, { cwd, maxBuffer: 64 << 20, timeout: 15_000, killSignal: 'SIGKILL' }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        resolve(JSON.parse(stdout));
      } catch {
        resolve(undefined);
      }
    }),
  );
}

/** The extension's model, through the code path the Services tree and App Up use. */
async function extension(runner: ComposeCliRunner, c: Case): Promise<Facts> {
  let model: ComposeProjectModel;
  try {
    ({ model } = await appProject(c.dir, { composeFiles: c.files, composeProjectName: '' }, runner));
  } catch {
    return { accepted: false };
  }
  const facts: Facts = {
    accepted: true,
    name: model.name,
    all: model.services.map((s) => s.name).sort(),
    defaults: model.services
      .filter((s) => s.active)
      .map((s) => s.name)
      .sort(),
    edges: [],
    profiles: {},
    labels: {},
    healthchecks: {},
  };
  for (const s of model.services) {
    for (const d of s.dependsOn) facts.edges!.push(`${s.name}->${d.service}:${d.condition}${d.required ? '' : ':optional'}`);
    facts.profiles![s.name] = s.profiles;
    facts.labels![s.name] = s.labels;
    facts.healthchecks![s.name] = s.healthcheck ?? null;
  }
  facts.edges!.sort();
  return facts;
}

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

const present = fs.existsSync(FILES);
describe(`compose conformance: the extension's model vs docker compose config (${present ? FILES : 'corpus missing'})`, function () {
  this.timeout(600_000);
  const all = present ? cases() : [];
  const results = new Map<string, { ours: Facts; theirs: Facts }>();

  before(async () => {
    if (!present) return;
    const runner = new ComposeCliRunner(await detectComposeCli());
    assert.equal(runner.cli.flavour, 'v2', 'the conformance tier runs on Compose v2');
    await pool(all, 3, async (c) => {
      const t0 = Date.now();
      results.set(c.name, { ours: await extension(runner, c), theirs: await reference(c) });
      if (Date.now() - t0 > 5000) console.log(`  slow case (${Date.now() - t0} ms): ${c.name}`);
    });
  });

  if (!present) {
    it('has the corpus to compare against', () => assert.fail(`compose corpus not found at ${FILES} (set REALM_COMPOSE_CORPUS)`));
    return;
  }
  it(`covers the corpus: ${all.length} cases from ${new Set(all.map((c) => c.dir)).size} folders`, () => {
    assert.ok(all.length >= 150, `only ${all.length} cases`);
  });
  for (const c of all) {
    it(c.name, () => {
      const { ours, theirs } = results.get(c.name)!;
      assert.deepEqual(ours, theirs, `${c.name}: the extension and docker compose disagree`);
    });
  }
});
