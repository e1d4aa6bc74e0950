import type { ComposeProblem } from '../core/composeFile';
import type { ServiceResult } from './composeHealth';

export type ComposeErrorKind =
  | 'no-compose-cli' // neither `docker compose` nor `docker-compose` answers
  | 'engine-unreachable' // the CLI runs but cannot reach dockerd (DOCKER_HOST, socket, daemon down)
  | 'port-in-use' // a published host port is taken by another process or container
  | 'malformed-file' // YAML syntax or compose schema error
  | 'unhealthy' // a service did not become healthy (within the wait, or a healthy dependency failed)
  | 'image-unavailable' // the image is neither local nor pullable
  | 'timeout' // the compose command did not finish in time
  | 'cancelled' // the user cancelled
  | 'failed'; // any other non-zero exit

/** A compose failure, typed so the UI can say what to do; carries the command and the output's tail. */
export class ComposeError extends Error {
  constructor(
    readonly kind: ComposeErrorKind,
    message: string,
    readonly details: {
      /** The argv that ran (program first): never a shell string, safe to log. */
      command?: readonly string[];
      exitCode?: number | null;
      /** The last lines of the CLI's output. */
      output?: string;
      /** port-in-use: the host address and port the engine could not bind. */
      hostIp?: string;
      port?: number;
      /** The compose service the error is about, when the CLI says so. */
      service?: string;
      /** malformed-file: where, when known (1-based). */
      file?: string;
      line?: number;
      column?: number;
      /** malformed-file found by our own parser: every problem, for the Problems view. */
      problems?: readonly ComposeProblem[];
      /** up: the per-service outcome computed after the failure. */
      results?: ServiceResult[];
      /** image-unavailable: the images the engine still does not have after the failed pull. */
      missingImages?: readonly string[];
      /** What a failed `up` created and Realm removed again (containers, networks, new volumes). */
      removed?: readonly string[];
    } = {},
  ) {
    super(message);
    this.name = 'ComposeError';
  }
}

/**
 * Turns a failed compose run's output into a typed error. Patterns cover compose v1 (Python) and
 * v2 (Go) and the engine's own messages, which both CLIs pass through verbatim.
 */
export function classifyComposeFailure(output: string, command: readonly string[], exitCode: number | null, dockerHost?: string): ComposeError {
  const tail = lastLines(output, 40);
  const base = { command, exitCode, output: tail };

  const bind =
    /listen tcp[46]? ([^\s]*?):(\d+): bind: address already in use/.exec(output) ?? /Bind for ([^\s]*?):(\d+) failed: port is already allocated/.exec(output);
  if (bind) {
    const service = /Cannot start service ([\w.-]+):/.exec(output)?.[1] ?? serviceOfContainer(/endpoint ([\w.-]+) \(/.exec(output)?.[1], command);
    const hostIp = bind[1] || '0.0.0.0';
    const port = Number(bind[2]);
    return new ComposeError(
      'port-in-use',
      `Port ${hostIp}:${port} is already in use${service ? ` (service ${service})` : ''}: stop whatever holds it or change the published port.`,
      { ...base, hostIp, port, service },
    );
  }

  if (
    /Cannot connect to the Docker daemon|Couldn't connect to Docker daemon|Error while fetching server API version|error during connect|Is the docker daemon running/i.test(
      output,
    )
  ) {
    return new ComposeError(
      'engine-unreachable',
      `The compose CLI cannot reach the Docker engine${dockerHost ? ` at ${dockerHost}` : ''} (is Docker running? is DOCKER_HOST right?): ${firstMatchingLine(output, /daemon|API version|connect/i)}`,
      base,
    );
  }

  const yamlPos = /in "([^"]+)", line (\d+), column (\d+)/g;
  if (
    /yaml\.|ScannerError|ParserError|The Compose file .* is invalid|yaml: line \d+|validating .*: |services\.\S+ (Additional property|must be)|Unsupported config option|is invalid because/i.test(
      output,
    )
  ) {
    // v1 reports the start of the construct first and the offending spot last: take the last position
    let pos: RegExpExecArray | null = null;
    for (let m = yamlPos.exec(output); m; m = yamlPos.exec(output)) pos = m;
    const v2Line = /yaml: line (\d+):/.exec(output);
    const file = pos?.[1] ?? /(?:The Compose file|validating) '?([^'\s:]+)'?/.exec(output)?.[1];
    const line = pos ? Number(pos[2]) : v2Line ? Number(v2Line[1]) : undefined;
    const column = pos ? Number(pos[3]) : undefined;
    // v1 puts the reason on the lines after "is invalid because:"
    const because = /is invalid because:\s*\n((?:.*\S.*\n?){1,3})/
      .exec(output)?.[1]
      .trim()
      .replace(/\s*\n\s*/g, '; ');
    const reason = because ?? firstMatchingLine(output, /Unsupported|Additional|expected|yaml|invalid|error/i);
    return new ComposeError(
      'malformed-file',
      `Compose rejected the file${file ? ` ${file}` : ''}${line ? ` (line ${line}${column ? `, column ${column}` : ''})` : ''}: ${reason}`,
      { ...base, file, line, column },
    );
  }

  const unhealthy = /(?:Container|container) "?([\w.-]+)"? is unhealthy/.exec(output);
  if (unhealthy) {
    const service = /ERROR: for ([\w.-]+)\s+Container/.exec(output)?.[1];
    return new ComposeError('unhealthy', `A dependency never became healthy (container ${unhealthy[1]})${service ? `, so ${service} was not started` : ''}.`, {
      ...base,
      service,
    });
  }

  if (PULL_FAILURE.test(output)) {
    return new ComposeError('image-unavailable', `An image is not available locally and cannot be pulled: ${firstMatchingLine(output, PULL_FAILURE)}`, base);
  }

  return new ComposeError(
    'failed',
    `Compose failed (exit ${exitCode ?? 'signal'}): ${firstMatchingLine(output, /error/i) || lastLines(output, 1) || 'no output'}`,
    base,
  );
}

/**
 * The service of a container name compose made (`<project>-<service>-<n>` on v2,
 * `<project>_<service>_<n>` on v1), using the `-p` of the command; the name itself otherwise.
 */
function serviceOfContainer(name: string | undefined, command: readonly string[]): string | undefined {
  if (!name) return undefined;
  const project = command[command.indexOf('-p') + 1];
  if (command.includes('-p') && project) {
    const m = new RegExp(`^${project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[-_](.+)[-_]\\d+$`).exec(name);
    if (m) return m[1];
  }
  return name;
}

/**
 * A pull that failed: the registry refused (unknown image, no access) or could not be reached at all
 * (offline, DNS, proxy, TLS; the engine says `Get "https://registry-1.docker.io/v2/": dial tcp: lookup …`).
 */
const PULL_FAILURE =
  /pull access denied|manifest unknown|repository does not exist|No such image|not found: manifest|failed to resolve reference|Get "?https?:\/\/[^\s"]+\/v2\/|dial tcp: lookup|no such host|TLS handshake timeout|toomanyrequests|proxyconnect tcp/i;

function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}

function firstMatchingLine(text: string, re: RegExp): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => re.test(l)) ?? lines[lines.length - 1] ?? '').replace(/^ERROR:\s*/, '');
}
