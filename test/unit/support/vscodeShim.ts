/**
 * The few `vscode` runtime classes that tree nodes and panels construct, for plain-Node unit tests
 * of those files (tree-node text, PanelHost message handling). Importing this module makes
 * `require('vscode')` resolve to it. It records what MarkdownStrings were built from, so a test can
 * check that untrusted text only ever went in through `appendText`.
 */
import Module from 'node:module';

export class MarkdownString {
  /** Each append: `text` (escaped by VS Code) or `markdown` (interpreted). */
  readonly parts: Array<{ kind: 'text' | 'markdown'; value: string }> = [];
  isTrusted?: boolean;
  supportHtml?: boolean;
  supportThemeIcons?: boolean;
  constructor(
    public value = '',
    supportThemeIcons = false,
  ) {
    this.supportThemeIcons = supportThemeIcons;
    if (value) this.parts.push({ kind: 'markdown', value });
  }
  appendText(value: string): this {
    this.parts.push({ kind: 'text', value });
    this.value += value.replace(/[\\`*_{}[\]()#+\-.!<>&|~]/g, '\\$&');
    return this;
  }
  appendMarkdown(value: string): this {
    this.parts.push({ kind: 'markdown', value });
    this.value += value;
    return this;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: unknown;
  contextValue?: string;
  accessibilityInformation?: { label: string };
  command?: unknown;
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  readonly event = (l: (e: T) => void) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export interface ShimUri {
  readonly scheme: string;
  readonly fsPath: string;
  readonly path: string;
  toString(): string;
}
function uri(scheme: string, p: string): ShimUri {
  return { scheme, path: p, fsPath: p, toString: () => `${scheme}://${p}` };
}

export const Uri = {
  parse: (s: string) => ({ toString: () => s }),
  file: (p: string) => uri('file', p),
  from: (c: { scheme: string; path: string }) => uri(c.scheme, c.path),
  joinPath: (base: ShimUri, ...parts: string[]) => uri(base.scheme, [base.path, ...parts].join('/')),
};

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isAfter(o: Position): boolean {
    return this.line > o.line || (this.line === o.line && this.character > o.character);
  }
  translate(lines: number, chars: number): Position {
    return new Position(this.line + lines, this.character + chars);
  }
}

export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic {
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity,
  ) {}
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** Thrown by VS Code APIs when the user cancels; the command boundary treats it as no error. */
export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

/**
 * The namespaces a command calls. Empty: a test that runs a command sets what it needs
 * (`window.showWarningMessage = …`, see test/unit/support/scriptedUi.ts) and resets it after.
 */
export const window: Record<string, unknown> = {};
export const env: Record<string, unknown> = {};
export const commands: Record<string, unknown> = {};
export const workspace: Record<string, unknown> = {};

const shimPath = __filename;
type Resolver = (request: string, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolver };
const original = mod._resolveFilename;
if (!(original as { realmShim?: boolean }).realmShim) {
  const patched: Resolver = function (this: unknown, request, ...rest) {
    return request === 'vscode' ? shimPath : original.call(this, request, ...rest);
  };
  (patched as { realmShim?: boolean }).realmShim = true;
  mod._resolveFilename = patched;
}
