/**
 * The healer as the extension wires it (fed by the service store's events, reading containers
 * through the store where the healer in the tree accepts a `containers` source), on a client that
 * talks through the counting proxy. Written against whatever healer is in the tree.
 */
import { DockerClient } from '../src/clients/dockerClient';
import { RateLimiter } from '../src/core/rateLimiter';
import { HealActions } from '../src/healer/actions';
import { AuditTrail } from '../src/healer/auditTrail';
import { ActionStarted, Healer, HealerDeps } from '../src/healer/healer';
import { DEFAULT_HEALER_SETTINGS, HealerSettings } from '../src/core/healerSettings';
import { systemClock } from '../src/platform/clock';
import { memoryLogger } from '../test/support/memoryLogger';
import { InMemoryMemento } from '../test/support/inMemoryMemento';
import { ServiceStore, storeContainerSource } from '../src/state/serviceStore';

export interface BenchHealer {
  healer: Healer;
  started: ActionStarted[];
  idle(): boolean;
  dispose(): void;
}

export async function startBenchHealer(docker: DockerClient, store: ServiceStore, project: string): Promise<BenchHealer> {
  // every crash is healed (budget raised), no grace or back-off between them
  const settings: HealerSettings = {
    ...DEFAULT_HEALER_SETTINGS,
    graceMs: 0,
    backoffMs: 0,
    engineRestartGraceMs: 3_000,
    stopTimeoutSeconds: 1,
    maxActionsPerHour: 1000,
  };
  const memento = new InMemoryMemento();
  const logger = memoryLogger();
  // a variable, not a literal: a healer without a `containers` option ignores it
  const deps = {
    docker,
    actions: new HealActions(docker),
    rateLimiter: new RateLimiter(memento, systemClock, { maxActionsPerHour: settings.maxActionsPerHour }),
    audit: new AuditTrail(memento, systemClock, logger),
    clock: systemClock,
    logger,
    settings: () => settings,
    projects: () => [project],
    engineEvents: store.onEngineEvent,
    containers: storeContainerSource(store),
  };
  const healer = new Healer(deps as HealerDeps);
  const started: ActionStarted[] = [];
  const sub = healer.onDidStartAction((e) => started.push(e));
  await healer.start();
  const maybeIdle = healer as unknown as { isIdle?: () => boolean };
  return {
    healer,
    started,
    idle: () => maybeIdle.isIdle?.() ?? true,
    dispose: () => {
      sub.dispose();
      healer.dispose();
    },
  };
}
