import assert from 'node:assert/strict';
import { modelFromComposeConfig } from '../../src/core/composeModel';
import { aliasProblem, placeComposeMessage, v2OnlyFeatures } from '../../src/core/composeSource';

describe("composeSource: placing compose's messages on the file and line", () => {
  const base = { file: '/ws/compose.yaml', text: 'services:\n  web:\n    image: x\n    depends_on:\n      - db\n      - cache\n  db:\n    image: y\n' };
  const override = { file: '/ws/compose.override.yaml', text: 'services:\n  web:\n    portz: [80]\n' };

  it('puts an unknown dependency on the list item that names it', () => {
    const placed = placeComposeMessage('service "web" depends on undefined service "cache"', [base, override]);
    assert.equal(placed.file, base.file);
    assert.deepEqual(placed.problem.start, { line: 6, column: 9 });
  });

  it('puts a schema error on the key, in the file compose named (an override)', () => {
    const placed = placeComposeMessage(`validating ${override.file}: services.web Additional property portz is not allowed`, [base, override]);
    assert.equal(placed.file, override.file);
    assert.deepEqual(placed.problem.start, { line: 3, column: 5 });
  });

  it('follows dotted service names (`my.app`) and interpolation paths', () => {
    const dotted = { file: '/ws/c.yaml', text: 'services:\n  my.app:\n    image: x\n    deploy:\n      replicas: two\n' };
    const placed = placeComposeMessage('error while interpolating services.my.app.deploy.replicas: failed to cast to expected type', [dotted]);
    assert.deepEqual(placed.problem.start, { line: 5, column: 7 });
  });

  it('finds the file with a YAML syntax error (compose names neither file nor an exact line)', () => {
    const broken = { file: '/ws/b.yaml', text: 'services:\n  web:\n    image: "x\n' };
    const placed = placeComposeMessage('yaml: line 1: did not find expected key', [base, broken]);
    assert.equal(placed.file, broken.file);
    assert.match(placed.problem.message, /^yaml: line 1: did not find expected key — /);
  });

  it('points a missing extends file at the reference to it; an unplaceable message lands on line 1, never nowhere', () => {
    const ext = { file: '/ws/compose.yaml', text: 'services:\n  web:\n    extends:\n      file: common.yml\n      service: web\n' };
    const placed = placeComposeMessage('open /ws/common.yml: no such file or directory', [ext]);
    assert.deepEqual([placed.file, placed.problem.start.line], [ext.file, 4]);
    assert.deepEqual(placeComposeMessage('something else entirely', [ext]).problem.start, { line: 1, column: 1 });
  });
});

describe('composeSource: files compose cannot or must not read', () => {
  it('refuses a self-referencing alias and a billion-laughs expansion, and accepts heavy but finite aliasing', () => {
    assert.match(aliasProblem('x: &a\n  b:\n    <<: *a\n')?.reason ?? '', /refers to a node that contains it/);
    const laughs = [
      'x-a: &a {k: v}',
      'x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      ...'cdefgh'.split('').map((l, i) => `x-${l}: &${l} [${Array(10).fill(`*${'bcdefgh'[i]}`).join(', ')}]`),
      'services: {svc: {image: x}}',
    ].join('\n');
    assert.match(aliasProblem(laughs)?.reason ?? '', /expands to more than 1,000,000 nodes/);
    const fine = `x-env: &env {A: 1}\nservices:\n${Array.from({ length: 300 }, (_, i) => `  s${i}: {image: x, environment: *env}`).join('\n')}\n`;
    assert.equal(aliasProblem(fine), undefined, 'Sentry-style reuse of one anchor 300 times is fine');
  });

  it('names the v2-only features Compose v1 rejects, with their lines', () => {
    const text =
      'name: demo\ninclude: [a.yaml]\nservices:\n  web:\n    image: x\n    depends_on:\n      db: {condition: service_started, required: false}\n    develop: {watch: []}\n  db:\n    image: !reset null\n';
    assert.deepEqual(
      v2OnlyFeatures(text).map((f) => `${f.feature}@${f.line}`),
      ['top-level `name:`@1', 'top-level `include:`@2', '`depends_on.<service>.required`@7', 'the service key `develop:`@8', 'the `!reset` tag@10'],
    );
  });
});

describe('composeModel: compose JSON → model', () => {
  it('keeps every service, marks the default ones active, and reads depends_on, labels, replicas and healthchecks', () => {
    const json = {
      name: 'shop',
      services: {
        web: {
          image: 'x',
          labels: { 'realm.heal': 'false' },
          deploy: { replicas: 3 },
          depends_on: { db: { condition: 'service_healthy', required: true }, cache: { condition: 'service_started', required: false } },
          healthcheck: { test: ['CMD', 'true'] },
        },
        db: { build: { context: '.' }, healthcheck: { disable: true, test: ['CMD', 'x'] } },
        debug: { image: 'y', profiles: ['debug'] },
      },
    };
    const model = modelFromComposeConfig(json, new Set(['web', 'db']));
    assert.equal(model.name, 'shop');
    assert.deepEqual(
      model.services.map((s) => [s.name, s.active]),
      [
        ['db', true],
        ['debug', false],
        ['web', true],
      ],
    );
    const web = model.services.find((s) => s.name === 'web')!;
    assert.deepEqual([web.healable, web.replicas, web.healthcheck], [false, 3, ['CMD', 'true']]);
    assert.deepEqual(web.dependsOn, [
      { service: 'cache', condition: 'service_started', required: false },
      { service: 'db', condition: 'service_healthy', required: true },
    ]);
    assert.equal(model.services.find((s) => s.name === 'db')!.healthcheck, undefined, 'a disabled healthcheck is none');
  });
});
