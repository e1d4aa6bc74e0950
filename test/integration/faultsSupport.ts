/**
 * Helpers for the fault-injection suites (faults*.test.ts): PRIVATE instances of dockerd,
 * Prometheus and Alertmanager that a test may kill and start again — the shared harness's
 * instances are never touched — plus bounded waits and an unhandled-rejection recorder.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { waitUntil } from '../support/waitFor';

/** True while PID runs (this machine's init reaps slowly: a zombie still answers `kill -0`). */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return !/^State:\s*Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` until it returns something truthy or `timeoutMs` passes (never a fixed sleep). */
export const waitFor = waitUntil;

export { nextEvent } from '../support/waitFor';

/** Records every unhandled promise rejection while installed (the suites assert there is none). */
export function recordUnhandledRejections(): { readonly reasons: unknown[]; dispose(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, dispose: () => process.off('unhandledRejection', listener) };
}

/** A process this suite started; stopped by its PID only. */
export class OwnedProcess {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  static start(name: string, command: string, args: string[], logFile: string): OwnedProcess {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.on('error', () => undefined); // reported through `alive` and the log
    return new OwnedProcess(name, child, logFile);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && alive(this.pid);
  }

  /** Sends `signal` and waits (bounded) until the process is gone, SIGKILL as the last resort. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      process.kill(this.pid, signal);
    } catch {
      return;
    }
    const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
    if (!gone && alive(this.pid)) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
  }

  tail(lines = 20): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

// ---------------------------------------------------------------- private dockerd

/**
 * A private Docker engine under a short root in /tmp, on its own bridge. NOT `--bridge=none`:
 * dockerd then deletes any `docker0` link at start-up (removeDefaultBridgeInterface), which is
 * the shared harness engine's bridge.
 */
export class PrivateDockerd {
  proc: OwnedProcess | undefined;
  readonly socket: string;
  readonly host: string;
  /** Our own bridge (its address picks the engine's subnet); created before dockerd, deleted after. */
  static readonly BRIDGE = 'rfdk0';
  static readonly BRIDGE_CIDR = '172.31.251.1/24';

  constructor(readonly root: string) {
    this.socket = path.join(root, 'docker.sock');
    this.host = `unix://${this.socket}`;
  }

  /** Kills a dockerd an earlier (killed) run of this suite left on this root, then wipes the root. */
  static cleanStale(root: string): void {
    for (const file of ['dockerd.pid', 'exec/containerd/containerd.pid']) {
      const pid = Number(readOr(path.join(root, file), ''));
      if (pid && alive(pid) && readOr(`/proc/${pid}/cmdline`, '').includes(root)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    unmountUnder(root);
    fs.rmSync(root, { recursive: true, force: true });
    try {
      execFileSync('ip', ['link', 'del', PrivateDockerd.BRIDGE], { stdio: 'ignore' });
    } catch {
      /* none */
    }
  }

  /** Starts dockerd (keeping the data root, as a restarted engine does) and waits until it answers. */
  async start(timeoutMs = 60_000): Promise<number> {
    fs.mkdirSync(path.join(this.root, 'data'), { recursive: true });
    fs.mkdirSync(path.join(this.root, 'exec'), { recursive: true });
    fs.rmSync(this.socket, { force: true });
    if (!fs.existsSync(`/sys/class/net/${PrivateDockerd.BRIDGE}`)) {
      execFileSync('ip', ['link', 'add', PrivateDockerd.BRIDGE, 'type', 'bridge']);
      execFileSync('ip', ['addr', 'add', PrivateDockerd.BRIDGE_CIDR, 'dev', PrivateDockerd.BRIDGE]);
      execFileSync('ip', ['link', 'set', PrivateDockerd.BRIDGE, 'up']);
    }
    const t0 = Date.now();
    this.proc = OwnedProcess.start(
      'dockerd',
      'dockerd',
      [
        '-H',
        this.host,
        '--data-root',
        path.join(this.root, 'data'),
        '--exec-root',
        path.join(this.root, 'exec'),
        '--pidfile',
        path.join(this.root, 'dockerd.pid'),
        '--storage-driver',
        'overlay2',
        '--iptables=false',
        '--ip-forward=false',
        '--ip-masq=false',
        `--bridge=${PrivateDockerd.BRIDGE}`,
      ],
      path.join(this.root, 'dockerd.log'),
    );
    const engine = new Docker({ socketPath: this.socket });
    await waitFor(
      'the private dockerd to answer',
      async () => {
        if (!this.proc?.running) throw new Error(`dockerd exited:\n${this.proc?.tail()}`);
        await engine.ping();
        return true;
      },
      timeoutMs,
      100,
    );
    return Date.now() - t0;
  }

  /** The containerd this dockerd started (it is ours too). */
  containerdPid(): number | undefined {
    const pid = Number(readOr(path.join(this.root, 'exec/containerd/containerd.pid'), ''));
    return pid && alive(pid) ? pid : undefined;
  }

  /** SIGKILL, as when the engine crashes; waits until the process is gone. */
  async kill(): Promise<void> {
    await this.proc?.stop('SIGKILL');
  }

  /** Removes containers, stops dockerd (and a lingering containerd) by PID, wipes the root. */
  async teardown(): Promise<void> {
    if (this.proc?.running) {
      const engine = new Docker({ socketPath: this.socket });
      const all = await engine.listContainers({ all: true }).catch(() => []);
      await Promise.all(
        all.map((c) =>
          engine
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
      await this.proc.stop('SIGTERM', 15_000);
    }
    const containerd = this.containerdPid();
    if (containerd) {
      try {
        process.kill(containerd, 'SIGTERM');
      } catch {
        /* gone */
      }
      await waitFor('containerd to exit', () => !alive(containerd), 10_000).catch(() => {
        try {
          process.kill(containerd, 'SIGKILL');
        } catch {
          /* gone */
        }
      });
    }
    // container shims of a SIGKILLed engine survive it: end those running under our root
    for (const pid of processesMentioning(this.root)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    unmountUnder(this.root);
    fs.rmSync(this.root, { recursive: true, force: true });
    try {
      execFileSync('ip', ['link', 'del', PrivateDockerd.BRIDGE], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
}

/** Copies an image from one engine to another (`docker save | docker load`). */
export async function copyImage(from: Docker, to: Docker, image: string): Promise<void> {
  const tar = await from.getImage(image).get();
  const res = await to.loadImage(tar as unknown as NodeJS.ReadableStream);
  await new Promise<void>((resolve, reject) => {
    res.on('data', () => undefined);
    res.on('end', () => resolve());
    res.on('error', reject);
  });
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

function unmountUnder(root: string): void {
  const mounts = readOr('/proc/mounts', '')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m) => m && m.startsWith(root + '/'));
  for (const m of mounts.sort().reverse()) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      /* not mounted any more */
    }
  }
}

/** PIDs (other than ours) whose command line names `root`: shims and init processes of our engine. */
function processesMentioning(root: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid || pid === process.pid) continue;
    const cmd = readOr(`/proc/${pid}/cmdline`, '').replace(/\0/g, ' ');
    if (cmd.includes(root) && alive(pid)) out.push(pid);
  }
  return out;
}

// ---------------------------------------------------------------- private Prometheus / Alertmanager

export interface PrivateStackPorts {
  prometheus: number;
  alertmanager: number;
  /** Scrape targets nobody serves: their alerts (`ServiceDown`, critical) fire and stay firing. */
  deadTargets: [number, number];
  webhook: number;
}

/**
 * Prometheus and Alertmanager from Debian's packages on other ports than the harness's, with the
 * fixture configs copied and their ports rewritten. Each can be SIGKILLed and started again on the
 * same data directory.
 */
export class PrivateStack {
  prometheus: OwnedProcess | undefined;
  alertmanager: OwnedProcess | undefined;

  constructor(
    readonly root: string,
    readonly fixtures: string,
    readonly ports: PrivateStackPorts,
    readonly resendDelay = '2s',
  ) {}

  get prometheusUrl(): string {
    return `http://127.0.0.1:${this.ports.prometheus}`;
  }
  get alertmanagerUrl(): string {
    return `http://127.0.0.1:${this.ports.alertmanager}`;
  }

  /** Writes the rewritten configs. */
  prepare(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.mkdirSync(this.root, { recursive: true });
    const rewrite = (text: string) =>
      text
        .replace(/127\.0\.0\.1:19090/g, `127.0.0.1:${this.ports.prometheus}`)
        .replace(/127\.0\.0\.1:19093/g, `127.0.0.1:${this.ports.alertmanager}`)
        .replace(/127\.0\.0\.1:19100/g, `127.0.0.1:${this.ports.deadTargets[0]}`)
        .replace(/127\.0\.0\.1:19102/g, `127.0.0.1:${this.ports.deadTargets[1]}`)
        .replace(/127\.0\.0\.1:19101/g, `127.0.0.1:${this.ports.webhook}`);
    for (const f of ['prometheus.yml', 'alertmanager.yml', 'rules.yml']) {
      fs.writeFileSync(path.join(this.root, f), rewrite(fs.readFileSync(path.join(this.fixtures, f), 'utf8')));
    }
  }

  async startPrometheus(): Promise<number> {
    const t0 = Date.now();
    this.prometheus = OwnedProcess.start(
      'prometheus',
      'prometheus',
      [
        `--config.file=${path.join(this.root, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.root, 'prom-data')}`,
        `--web.listen-address=127.0.0.1:${this.ports.prometheus}`,
        `--web.external-url=${this.prometheusUrl}/`,
        // Prometheus re-sends firing alerts to Alertmanager this often (default 1m): short, so a
        // restarted Alertmanager learns them again within seconds.
        `--rules.alert.resend-delay=${this.resendDelay}`,
      ],
      path.join(this.root, 'prometheus.log'),
    );
    await this.waitReady(this.prometheus, this.prometheusUrl);
    return Date.now() - t0;
  }

  async startAlertmanager(): Promise<number> {
    const t0 = Date.now();
    this.alertmanager = OwnedProcess.start(
      'alertmanager',
      'prometheus-alertmanager',
      [
        `--config.file=${path.join(this.root, 'alertmanager.yml')}`,
        `--storage.path=${path.join(this.root, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${this.ports.alertmanager}`,
        `--web.external-url=${this.alertmanagerUrl}/`,
        '--cluster.listen-address=',
      ],
      path.join(this.root, 'alertmanager.log'),
    );
    await this.waitReady(this.alertmanager, this.alertmanagerUrl);
    return Date.now() - t0;
  }

  async stopAll(): Promise<void> {
    await Promise.all([this.prometheus?.stop('SIGTERM'), this.alertmanager?.stop('SIGTERM')]);
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private async waitReady(proc: OwnedProcess, url: string): Promise<void> {
    await waitFor(
      `${proc.name} ready at ${url}`,
      async () => {
        if (!proc.running) throw new Error(`${proc.name} exited:\n${proc.tail()}`);
        return (await getStatus(`${url}/-/ready`)) === 200;
      },
      30_000,
      50,
    );
  }
}

/** GET → status code (0 when the connection fails). */
export function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(2_000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** GET → parsed JSON. */
export function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
          } catch (e) {
            reject(e);
          }
        });
      })
      .on('error', reject);
  });
}

// ---------------------------------------------------------------- misbehaving HTTP servers

/** Counts requests that are in flight (accepted, not yet answered or closed) and the peak. */
export interface ServerStats {
  total: number;
  inFlight: number;
  peakInFlight: number;
  /** Bytes of response body the server managed to write before the client stopped reading or closed. */
  bytesWritten: number;
  /** Responses a client closed before they were complete. */
  clientAborted: number;
  /** Peak of requests in flight at once on one path (one store polls each path at most once at a time). */
  peakInFlightPerPath: Record<string, number>;
}

export type Behaviour = 'hang' | 'slow' | 'huge';

/**
 * A server that behaves badly on every path: `hang` accepts and never answers, `slow` answers after
 * `delayMs` (a valid empty answer for every API the clients use), `huge` streams `hugeBytes` of JSON.
 */
export class BadServer {
  readonly stats: ServerStats = { total: 0, inFlight: 0, peakInFlight: 0, bytesWritten: 0, clientAborted: 0, peakInFlightPerPath: {} };
  private readonly inFlightPerPath = new Map<string, number>();
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(
    public behaviour: Behaviour,
    readonly delayMs = 10_000,
    readonly hugeBytes = 50 * 1024 * 1024,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  resetStats(): void {
    Object.assign(this.stats, { total: 0, inFlight: 0, peakInFlight: 0, bytesWritten: 0, clientAborted: 0, peakInFlightPerPath: {} });
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const s = this.stats;
    s.total++;
    s.inFlight++;
    s.peakInFlight = Math.max(s.peakInFlight, s.inFlight);
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (this.inFlightPerPath.get(p) ?? 0) + 1;
    this.inFlightPerPath.set(p, n);
    s.peakInFlightPerPath[p] = Math.max(s.peakInFlightPerPath[p] ?? 0, n);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        s.inFlight--;
        this.inFlightPerPath.set(p, (this.inFlightPerPath.get(p) ?? 1) - 1);
      }
    };
    res.on('close', () => {
      if (!res.writableFinished) s.clientAborted++;
      finish();
    });
    req.resume();
    if (this.behaviour === 'hang') return;
    if (this.behaviour === 'slow') {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(emptyAnswer(req.url ?? '/'));
      }, this.delayMs);
      this.timers.add(t);
      return;
    }
    // huge: a JSON string of `hugeBytes`, written as fast as the client reads it
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = this.hugeBytes;
    res.write('{"status":"success","data":"');
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(chunk.length, left);
        left -= n;
        s.bytesWritten += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('"}');
    };
    pump();
  }
}

/** A valid, empty answer for each API path the clients call. */
function emptyAnswer(url: string): string {
  if (url.startsWith('/api/v2/')) return '[]';
  if (url.startsWith('/api/v1/alerts')) return JSON.stringify({ status: 'success', data: { alerts: [] } });
  if (url.startsWith('/api/v1/query')) return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } });
  if (url.startsWith('/loki/api/v1/query')) return JSON.stringify({ status: 'success', data: { resultType: 'streams', result: [], stats: {} } });
  return JSON.stringify({ status: 'success', data: [] });
}
