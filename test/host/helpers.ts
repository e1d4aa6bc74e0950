import * as http from 'node:http';
import * as vscode from 'vscode';
import type { RealmApi } from '../../src/extension';
import { waitUntil } from '../support/waitFor';

export const EXTENSION_ID = 'realm.realm-observability';

/** Activates the extension under test and returns its API. */
export async function realmApi(): Promise<RealmApi> {
  const ext = vscode.extensions.getExtension<RealmApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Polls `probe` until it returns a truthy value or the bounded timeout passes. */
export function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  return waitUntil(what, probe, timeoutMs, 100);
}

/** Asks the outer runner for a PNG of the workbench; resolves to its path (or '' when not offered). */
export function screenshot(name: string): Promise<string> {
  const base = process.env.REALM_TEST_SCREENSHOT_URL;
  if (!base) return Promise.resolve('');
  return new Promise((resolve) => {
    http
      .get(`${base}?name=${encodeURIComponent(name)}`, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', () => resolve(''));
  });
}
