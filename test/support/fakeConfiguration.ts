import { Emitter } from '../../src/platform/event';
import type { ConfigurationHost, SettingsChange } from '../../src/platform/settings';

/** A configuration that behaves as VS Code's: an update changes the value and fires the event in one step. */
export function fakeConfiguration(initial: Record<string, unknown> = {}) {
  const values = new Map(Object.entries(initial));
  const changes = new Emitter<SettingsChange>();
  const writes: Array<{ section: string; key: string; value: unknown }> = [];
  const set = (full: string, value: unknown) => {
    values.set(full, value);
    changes.fire({ affectsConfiguration: (s) => full === s || full.startsWith(`${s}.`) });
  };
  const host: ConfigurationHost = {
    get: (section) => (key, fallback) => (values.has(`${section}.${key}`) ? values.get(`${section}.${key}`) : fallback) as never,
    update: async (section, key, value) => {
      writes.push({ section, key, value });
      set(`${section}.${key}`, value);
    },
    onDidChangeConfiguration: changes.event,
    isTrusted: () => true,
  };
  return { host, set, writes, changes };
}
