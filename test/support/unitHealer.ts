import type { DockerClient, EngineEvent } from '../../src/clients/dockerClient';
import type { ContainerInfo } from '../../src/core/containers';
import type { HealerSettings } from '../../src/core/healerSettings';
import type { RateLimiter } from '../../src/core/rateLimiter';
import { HealActions } from '../../src/healer/actions';
import type { AlertSource } from '../../src/healer/alertSource';
import type { AuditTrail } from '../../src/healer/auditTrail';
import { Healer } from '../../src/healer/healer';
import type { HealerLeaseLike } from '../../src/healer/lease';
import { Emitter } from '../../src/platform/event';
import type { MementoLike } from '../../src/platform/memento';
import type { ManualClock } from './manualClock';
import { memoryLogger } from './memoryLogger';

/** The engine calls the healer and its actions make, as a unit suite's fake answers them. */
export interface FakeHealerEngine {
  listComposeContainers(projects: readonly string[]): Promise<ContainerInfo[]>;
  restartContainer(id: string): Promise<void>;
}

export interface UnitHealerParts {
  engine: FakeHealerEngine;
  clock: ManualClock;
  rateLimiter: RateLimiter;
  audit: AuditTrail;
  settings: () => HealerSettings;
  state: MementoLike;
  /** The one watched compose project. */
  project: string;
  alerts?: AlertSource;
  lease?: HealerLeaseLike;
  concurrency?: number;
}

/** A healer over a fake engine, on the manual clock (its clock and its timers); `events` is the engine event stream it listens to. */
export function unitHealer(parts: UnitHealerParts): { healer: Healer; events: Emitter<EngineEvent> } {
  const events = new Emitter<EngineEvent>();
  const docker = parts.engine as unknown as DockerClient;
  const healer = new Healer({
    docker,
    actions: new HealActions(docker),
    rateLimiter: parts.rateLimiter,
    audit: parts.audit,
    clock: parts.clock,
    timers: parts.clock,
    logger: memoryLogger(),
    settings: parts.settings,
    projects: () => [parts.project],
    alerts: parts.alerts,
    lease: parts.lease,
    engineEvents: events.event,
    state: parts.state,
    concurrency: parts.concurrency,
  });
  return { healer, events };
}
