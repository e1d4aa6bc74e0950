/**
 * Fault: the window reloads in the middle of a healing sequence. Simulated in the integration tier:
 * the Healer, AuditTrail and RateLimiter are dropped while a restart is in flight (their storage
 * stops accepting writes, as a dying extension host's would) and new ones are built on the same
 * persisted state — a JSON file, as VS Code's workspace Memento persists JSON.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DockerClient } from '../../src/clients/dockerClient';
import { AuditEntry } from '../../src/healer/auditTrail';
import { Healer } from '../../src/healer/healer';
import { memoryLogger } from '../support/memoryLogger';
import type { MementoLike } from '../../src/platform/memento';
import { crash, removeProjects, runReplica, startHealer, state } from './healerFixtures';
import { waitFor } from './faultsSupport';

/** Workspace state in a JSON file; `close()` is the extension host going away (later writes are lost). */
class FileMemento implements MementoLike {
  private values: Record<string, unknown>;
  private closed = false;
  constructor(readonly file: string) {
    this.values = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  }
  get<T>(key: string): T | undefined {
    return this.values[key] === undefined ? undefined : (JSON.parse(JSON.stringify(this.values[key])) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (this.closed) return;
    this.values = { ...this.values, [key]: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) };
    fs.writeFileSync(this.file, JSON.stringify(this.values));
  }
  close(): void {
    this.closed = true;
  }
}

describe('Faults: a window reload in the middle of a healing sequence', function () {
  this.timeout(120_000);
  const docker = new DockerClient();
  const project = `rf-faults-reload-${process.pid}`;
  const file = `/tmp/rf-reload-${process.pid}.json`;
  const healers: Healer[] = [];
  /** One window's healer over the file-backed workspace state (no healer state of its own, only the budget and the audit). */
  const window = async (memento: FileMemento) => {
    const logger = memoryLogger(process.env.REALM_FAULTS_DEBUG === '1');
    const rig = await startHealer(docker, [project], { dryRun: false, maxActionsPerHour: 3 }, memento, undefined, { logger, state: undefined });
    healers.push(rig.healer);
    return rig;
  };

  after(async () => {
    for (const h of healers) h.dispose();
    await removeProjects(docker, [project]);
    fs.rmSync(file, { force: true });
  });

  it('keeps every recorded decision, accounts for the interrupted action, and the budget holds across the reload', async () => {
    fs.rmSync(file, { force: true });
    const key = `${project}/web`;
    const id = await runReplica(docker, { project, service: 'web' });
    const running = () => waitFor('running', async () => (await state(docker, id)).status === 'running', 20_000);

    // window 1: one crash healed, then a second crash whose restart is in flight when the window reloads
    const memento1 = new FileMemento(file);
    const w1 = await window(memento1);
    await crash(docker, id);
    await waitFor('the first restart', () => w1.audit.entries().some((e) => e.outcome === 'done'), 20_000);
    await running();
    const reloaded = new Promise<void>((resolve) =>
      w1.healer.onDidStartAction(() => {
        memento1.close(); // the extension host is gone: nothing it does from now on is persisted
        w1.healer.dispose();
        w1.audit.dispose();
        resolve();
      }),
    );
    await crash(docker, id);
    await reloaded;
    const persisted = new FileMemento(file).get<AuditEntry[]>('realm.healer.auditTrail') ?? [];
    assert.ok(persisted.length >= 1);
    await running(); // the engine finishes the restart the old window issued

    // window 2: same workspace state
    const w2 = await window(new FileMemento(file));
    const ids = new Set(w2.audit.entries().map((e) => e.id));
    assert.deepEqual(
      persisted.filter((e) => !ids.has(e.id)),
      [],
      'no recorded decision is lost',
    );
    assert.equal(w2.limiter.status(key).used, 2, 'both issued restarts are counted');
    const interrupted = w2.audit.entries().filter((e) => e.service === key && e.outcome === 'failed' && /interrupted/.test(e.detail ?? ''));
    assert.equal(interrupted.length, 1, 'the restart in flight during the reload is in the trail, marked interrupted');
    const acted = w2.audit.entries().filter((e) => e.service === key && e.outcome !== 'skipped');
    assert.equal(acted.length, w2.limiter.status(key).used, 'the trail accounts for every action the budget counts');

    // the budget is intact: one more restart fits, the next crash is rate-limited
    await crash(docker, id);
    await waitFor('the third restart', () => w2.audit.entries().filter((e) => e.outcome === 'done').length === 2, 20_000);
    await running();
    await crash(docker, id);
    await waitFor('a rate-limited decision', () => w2.audit.entries().some((e) => e.reason === 'rate-limited'), 20_000);
    assert.equal(w2.limiter.status(key).used, 3);

    // a second reload adds nothing: the interrupted action is recorded once
    w2.healer.dispose();
    const w3 = await window(new FileMemento(file));
    assert.equal(w3.audit.entries().filter((e) => /interrupted/.test(e.detail ?? '')).length, 1);
    assert.equal(w3.audit.entries().length, w2.audit.entries().length);
  });
});
