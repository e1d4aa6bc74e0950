import * as vscode from 'vscode';
import { describeIncident, Incident, incidentOf, sortIncidents } from '../core/incidents';
import { buildPostMortem } from '../core/postMortem';
import type { Clock } from '../platform/clock';
import type { IncidentStore } from '../state/incidentStore';
import type { CommandTable } from './registry';

export const IncidentCommandIds = {
  exportPostMortem: 'realm.exportPostMortem',
  showIncident: 'realm.showIncident',
} as const;

export interface IncidentCommandDeps {
  incidents: IncidentStore;
  clock: Clock;
  /** Reveals an incident in the Incidents view (expanded: its timeline). */
  reveal(incident: Incident): Thenable<void> | void;
  /** Opens the Incident panel on it. */
  open?(incident: Incident): void;
}

async function pickIncident(deps: IncidentCommandDeps, arg: unknown): Promise<Incident | undefined> {
  const direct = incidentOf(arg, deps.incidents);
  if (direct) return direct;
  const list = sortIncidents(deps.incidents.all());
  if (list.length === 0) {
    void vscode.window.showInformationMessage(arg === undefined ? 'Realm: no incidents recorded yet.' : 'Realm: no incident recorded for this.');
    return undefined;
  }
  const now = deps.clock.now();
  const chosen = await vscode.window.showQuickPick(
    list.map((i) => ({ label: describeIncident(i, now), description: new Date(i.openedAt).toLocaleString(), incident: i })),
    { placeHolder: 'Which incident?' },
  );
  return chosen?.incident;
}

/** Opens the post-mortem in an untitled Markdown editor; resolves to the document (tests read it). */
export async function exportPostMortem(deps: IncidentCommandDeps, arg?: unknown): Promise<vscode.TextDocument | undefined> {
  const incident = await pickIncident(deps, arg);
  if (!incident) return undefined;
  // an untitled document of its own name (what Save proposes): `openTextDocument({ content })` names it
  // Untitled-N, and a second export right after closing the first could get that document back, old text and all
  // (the same incident exported again gets its document back, rewritten)
  const name = `post-mortem-${incident.service}-${new Date(incident.openedAt).toISOString().slice(0, 16).replace(/[:T-]/g, '')}.md`.replace(/[^\w.-]/g, '_');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.path ?? '/';
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: `${folder.replace(/\/$/, '')}/${name}` }));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), buildPostMortem(incident, deps.clock.now()));
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('could not write the post-mortem into its editor');
  const markdown = await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(markdown, { preview: false });
  return markdown;
}

export function incidentCommandTable(deps: IncidentCommandDeps): CommandTable {
  return {
    [IncidentCommandIds.exportPostMortem]: (arg?: unknown) => exportPostMortem(deps, arg),
    [IncidentCommandIds.showIncident]: async (arg?: unknown) => {
      const incident = await pickIncident(deps, arg);
      if (!incident) return undefined;
      deps.open?.(incident);
      // the tree follows (best effort: a view that is collapsed or not yet listed must not fail the command)
      await Promise.resolve(deps.reveal(incident)).catch(() => undefined);
      return incident.id;
    },
  };
}
