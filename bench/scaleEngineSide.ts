/**
 * The engine side of the scale bench, in its own process so its CPU is not the extension's:
 * a counting proxy in front of the engine socket (every HTTP request the store and healer make
 * passes through it and is counted by kind), and the driver that creates, kills, crashes and
 * removes the bench's containers straight on the engine socket (not counted).
 * Forked by scale.ts; speaks to it over IPC.
 */
import Docker from 'dockerode';
import { ComposeLabels } from '../src/core/containers';
import { mapWithConcurrency } from '../src/platform/concurrency';
import { CountedRequest, startCountingProxy } from '../test/support/countingProxy';

export type { CountedRequest } from '../test/support/countingProxy';

export type EngineSideCommand =
  | { op: 'create'; project: string; services: number; restartPolicy: 'no' | 'on-failure' }
  | { op: 'kill' | 'start' | 'crash'; ids: string[] }
  | { op: 'requests'; since: number }
  | { op: 'count' }
  | { op: 'starts'; since: number }
  | { op: 'remove'; prefix: string };

async function main(): Promise<void> {
  const [listenPath, enginePath] = process.argv.slice(2);
  const engine = new Docker({ socketPath: enginePath });
  const requests: CountedRequest[] = [];
  const starts: { id: string; project: string; at: number }[] = [];
  const server = startCountingProxy(listenPath, enginePath, requests);
  // the driver's own view of container starts (engine time), for "all running again"
  const events = (await engine.getEvents({ filters: JSON.stringify({ type: ['container'], event: ['start'] }) })) as unknown as NodeJS.ReadableStream;
  let buffer = '';
  events.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const e = JSON.parse(buffer.slice(0, nl)) as { id: string; timeNano: number; Actor: { Attributes: Record<string, string> } };
      buffer = buffer.slice(nl + 1);
      starts.push({ id: e.id, project: e.Actor.Attributes[ComposeLabels.project] ?? '', at: Math.floor(e.timeNano / 1e6) });
    }
  });

  const handle = async (c: EngineSideCommand): Promise<unknown> => {
    switch (c.op) {
      case 'create':
        return mapWithConcurrency(
          Array.from({ length: c.services }, (_, i) => i),
          8,
          async (i) => {
            const created = await engine.createContainer({
              name: `${c.project}-s${i}-1`,
              Image: 'realm-test/busybox:base',
              Cmd: ['sleep', '100000'],
              Labels: { [ComposeLabels.project]: c.project, [ComposeLabels.service]: `s${i}`, [ComposeLabels.number]: '1', [ComposeLabels.oneoff]: 'False' },
              HostConfig: { Init: true, NetworkMode: 'none', RestartPolicy: { Name: c.restartPolicy } },
            });
            await created.start();
            return created.id;
          },
        );
      case 'kill':
        return Promise.all(c.ids.map((id) => engine.getContainer(id).kill({ signal: 'SIGKILL' })));
      case 'start':
        return Promise.all(c.ids.map((id) => engine.getContainer(id).start()));
      case 'crash': {
        // a crash is PID 1 dying without an API call (no `kill` event), as in a real one
        const pids = await Promise.all(c.ids.map(async (id) => (await engine.getContainer(id).inspect()).State.Pid));
        const at = Date.now();
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        return at;
      }
      case 'requests':
        return requests.slice(c.since);
      case 'count':
        return requests.length;
      case 'starts':
        return starts.slice(c.since);
      case 'remove': {
        const all = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [ComposeLabels.project] }) });
        const mine = all.filter((x) => (x.Labels[ComposeLabels.project] ?? '').startsWith(c.prefix));
        await mapWithConcurrency(mine, 8, (x) =>
          engine
            .getContainer(x.Id)
            .remove({ force: true })
            .catch(() => undefined),
        );
        return mine.length;
      }
    }
  };
  process.on('message', (m: { id: number; command: EngineSideCommand }) => {
    handle(m.command).then(
      (result) => process.send!({ id: m.id, result }),
      (e: unknown) => process.send!({ id: m.id, error: String(e) }),
    );
  });
  process.on('disconnect', () => {
    server.close();
    process.exit(0);
  });
  process.send!({ ready: true });
}

if (require.main === module) void main();
