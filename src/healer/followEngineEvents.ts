import type { DockerClient, EngineEvent } from '../clients/dockerClient';
import type { Logger } from '../platform/logger';

/** A followed event stream: `reconnect()` re-opens it (the watched projects changed). */
export interface FollowedEvents {
  reconnect(): void;
  dispose(): void;
}

/**
 * The healer's own engine event stream, for when no service store feeds it (tests, benches):
 * follows the watched projects' events, reconnecting with backoff (1 s doubling to 30 s) when the
 * engine goes away. Resolves once the engine accepted the first subscription (or refused it), so
 * no crash after the caller's start is missed.
 */
export function followEngineEvents(
  docker: DockerClient,
  projects: () => readonly string[],
  onEvent: (e: EngineEvent) => void,
  logger: Logger,
): Promise<FollowedEvents> {
  let disposed = false;
  let current: { dispose(): void } | undefined;
  let wake: (() => void) | undefined;
  return new Promise((connected) => {
    const handle: FollowedEvents = {
      reconnect: () => current?.dispose(),
      dispose: () => {
        disposed = true;
        current?.dispose();
        wake?.();
      },
    };
    void (async () => {
      let delay = 1000;
      while (!disposed) {
        try {
          const stream = await docker.streamEvents(onEvent, projects());
          current = stream;
          if (disposed) stream.dispose();
          connected(handle);
          delay = 1000;
          const why = await stream.closed;
          if (why && !disposed) logger.warn(`[healer] ${why.message}; reconnecting`);
        } catch (e) {
          connected(handle);
          if (disposed) break;
          logger.warn(`[healer] cannot watch Docker events: ${String(e)}; retrying in ${delay / 1000} s`);
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, delay).unref?.();
          });
          delay = Math.min(delay * 2, 30_000);
        }
      }
    })();
  });
}
