/**
 * The engine side of the scale bench, in its own process so its CPU is not the extension's:
 * a counting proxy in front of the engine socket (every HTTP request the store and healer make
 * passes through it and is counted by kind), and the driver that creates, kills, crashes and
 * removes the bench's containers straight on the engine socket (not counted).
 * Forked by scale.ts; speaks to it over IPC.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import Docker from 'dockerode';
import { ComposeLabels } from '../src/core/containers';
import { mapWithConcurrency } from '../src/platform/concurrency';

export type RequestKind = 'list' | 'inspect' | 'events' | 'action' | 'other';
export interface CountedRequest { at: number; kind: RequestKind }

export type EngineSideCommand =
  | { op: 'create'; project: string; services: number; restartPolicy: 'no' | 'on-failure' }
  | { op: 'kill' | 'start' | 'crash'; ids: string[] }
  | { op: 'requests'; since: number }
  | { op: 'count' }
  | { op: 'starts'; since: number }
  | { op: 'remove'; prefix: string };

const REQUEST_LINE = /(GET|POST|PUT|DELETE|HEAD) (\/\S*) HTTP\/1\.[01]\r\n/g;

function kindOf(method: string, path: string): RequestKind {
  const p = path.replace(/^\/v[\d.]+/, '').split('?')[0];
  if (p === '/events') return 'events';
  if (method === 'GET' && p === '/containers/json') return 'list';
  if (method === 'GET' && /^\/containers\/[^/]+\/json$/.test(p)) return 'inspect';
  if (method === 'POST' || method === 'DELETE') return 'action';
  return 'other';
}

function startProxy(listenPath: string, enginePath: string, requests: CountedRequest[]): net.Server {
  fs.rmSync(listenPath, { force: true });
  const server = net.createServer((client) => {
    const upstream = net.connect(enginePath);
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    // request lines are found across chunk boundaries: keep what follows the last match
    let carry = '';
    client.on('data', (chunk: Buffer) => {
      const text = carry + chunk.toString('latin1');
      let end = 0;
      for (const m of text.matchAll(REQUEST_LINE)) {
        requests.push({ at: Date.now(), kind: kindOf(m[1], m[2]) });
        end = m.index + m[0].length;
      }
      carry = text.slice(end).slice(-4000);
    });
  });
  server.listen(listenPath);
  return server;
}

async function main(): Promise<void> {
  const [listenPath, enginePath] = process.argv.slice(2);
  const engine = new Docker({ socketPath: enginePath });
  const requests: CountedRequest[] = [];
  const starts: { id: string; project: string; at: number }[] = [];
  const server = startProxy(listenPath, enginePath, requests);
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
        return mapWithConcurrency(Array.from({ length: c.services }, (_, i) => i), 8, async (i) => {
          const created = await engine.createContainer({
            name: `${c.project}-s${i}-1`, Image: 'realm-test/busybox:base', Cmd: ['sleep', '100000'],
            Labels: { [ComposeLabels.project]: c.project, [ComposeLabels.service]: `s${i}`, [ComposeLabels.number]: '1', [ComposeLabels.oneoff]: 'False' },
            HostConfig: { Init: true, NetworkMode: 'none', RestartPolicy: { Name: c.restartPolicy } },
          });
          await created.start();
          return created.id;
        });
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
        await mapWithConcurrency(mine, 8, (x) => engine.getContainer(x.Id).remove({ force: true }).catch(() => undefined));
        return mine.length;
      }
    }
  };
  process.on('message', (m: { id: number; command: EngineSideCommand }) => {
    handle(m.command).then((result) => process.send!({ id: m.id, result }), (e: unknown) => process.send!({ id: m.id, error: String(e) }));
  });
  process.on('disconnect', () => { server.close(); process.exit(0); });
  process.send!({ ready: true });
}

if (require.main === module) void main();
