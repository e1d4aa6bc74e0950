import type { LokiTail } from '../../src/clients/lokiTail';

/** Every line a tail delivers (`onEntries`), in order: what the Logs panel is sent. Subscribe right after creating it. */
export function tailLines(tail: LokiTail): string[] {
  const lines: string[] = [];
  tail.onEntries((streams) => {
    for (const s of streams) for (const [, line] of s.entries) lines.push(line);
  });
  return lines;
}
