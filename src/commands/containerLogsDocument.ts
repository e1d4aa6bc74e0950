import * as vscode from 'vscode';
import type { ContainerInfo } from '../core/containers';
import { stripAnsi } from '../shared/ansi';

/** The URI scheme of Realm's read-only container-log documents. */
export const LOGS_SCHEME = 'realm-logs';
/** Lines read per container. */
const TAIL = 1000;
/** How often a visible log document re-reads the engine (follow). */
const FOLLOW_MS = 2_000;

export interface LogSource {
  project: string;
  service: string;
  containers: readonly ContainerInfo[];
}

/** Reads a container's last lines (timestamps first, as `docker logs --timestamps` prints them). */
export type ReadLogs = (containerId: string, tail: number) => Promise<string[]>;

/** A line's leading RFC 3339 timestamp (the engine's `--timestamps`), for merging replicas in time order. */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s/;

/**
 * The text of a log document: oldest first, newest last (the editor is scrolled to the end), ANSI
 * escapes removed; several replicas are merged in time order with each line tagged by its container.
 * Log text is text: it is only ever put into a plain-text document.
 */
export function renderLogs(source: LogSource, byContainer: ReadonlyArray<{ container: ContainerInfo; lines: readonly string[] }>): string {
  const header = byContainer.map(
    ({ container: c, lines }) => `# ${c.name} (${c.state}${c.exitCode !== undefined ? `, exit ${c.exitCode}` : ''}) — last ${lines.length} lines`,
  );
  const tagged = byContainer.flatMap(({ container, lines }, ci) =>
    lines.map((line, li) => ({ line: stripAnsi(line), stamp: STAMP.exec(line)?.[1] ?? '', name: container.name, ci, li })),
  );
  if (byContainer.length > 1) tagged.sort((a, b) => (a.stamp && b.stamp && a.stamp !== b.stamp ? (a.stamp < b.stamp ? -1 : 1) : a.ci - b.ci || a.li - b.li));
  const body = tagged.map((t) => (byContainer.length > 1 ? `${t.name} | ${t.line}` : t.line));
  return [`# ${source.project}/${source.service} — newest at the bottom; follows while visible`, ...header, '', ...body, ''].join('\n');
}

/**
 * Realm's container logs as read-only documents (`realm-logs:/<project>/<service>.log`): opened
 * without an Untitled buffer (so closing asks nothing), scrolled to the newest line, re-read every
 * 2 s while visible (follow) and on "Refresh Container Logs".
 */
export class ContainerLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly sources = new Map<string, LogSource>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private follow: NodeJS.Timeout | undefined;
  /** Documents re-read while their newest line was in view: scrolled to the end once the new text is in. */
  private readonly stickToEnd = new Set<string>();

  constructor(private readonly read: ReadLogs) {
    this.subscriptions.push(vscode.window.onDidChangeVisibleTextEditors(() => this.followVisible()));
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (!this.stickToEnd.delete(key)) return;
        for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === key) revealEnd(editor);
      }),
    );
  }

  uriOf(source: LogSource): vscode.Uri {
    const name = source.containers.length === 1 ? source.containers[0].name : source.service;
    return vscode.Uri.from({ scheme: LOGS_SCHEME, path: `/${source.project}/${name}.log` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = this.sources.get(uri.toString());
    if (!source) return '# These logs are no longer known to Realm: run Show Container Logs again.\n';
    const byContainer = await Promise.all(
      source.containers.map(async (container) => ({
        container,
        lines: await this.read(container.id, TAIL).catch((e: Error) => [`(could not read the logs: ${e.message})`]),
      })),
    );
    return renderLogs(source, byContainer);
  }

  /** Opens (or re-reads) the document of a service's or container's logs, scrolled to the newest line. */
  async show(source: LogSource): Promise<vscode.TextEditor> {
    const uri = this.uriOf(source);
    const known = this.sources.has(uri.toString());
    this.sources.set(uri.toString(), source);
    if (known) this.reread(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'log') await vscode.languages.setTextDocumentLanguage(doc, 'log');
    const editor = await vscode.window.showTextDocument(uri, { preview: true });
    revealEnd(editor);
    this.followVisible();
    return editor;
  }

  /** Re-reads a log document (the editor title's Refresh), keeping the newest line in view. */
  refresh(uri?: vscode.Uri): void {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === LOGS_SCHEME) this.reread(target);
  }

  private reread(uri: vscode.Uri, stick = true): void {
    if (stick) this.stickToEnd.add(uri.toString());
    this.changed.fire(uri);
  }

  /** Follows while a log document is visible: one timer for all of them, none when none shows. */
  private followVisible(): void {
    const visible = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === LOGS_SCHEME);
    if (!visible.length) {
      clearInterval(this.follow);
      this.follow = undefined;
      return;
    }
    this.follow ??= setInterval(() => {
      for (const e of vscode.window.visibleTextEditors.filter((x) => x.document.uri.scheme === LOGS_SCHEME)) {
        // keep the newest line in view unless the user scrolled up to read
        this.reread(
          e.document.uri,
          e.visibleRanges.some((r) => r.end.line >= e.document.lineCount - 2),
        );
      }
    }, FOLLOW_MS);
  }

  dispose(): void {
    clearInterval(this.follow);
    this.changed.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

function revealEnd(editor: vscode.TextEditor): void {
  const last = Math.max(0, editor.document.lineCount - 1);
  const end = new vscode.Position(last, 0);
  editor.selection = new vscode.Selection(end, end);
  editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.Default);
}
