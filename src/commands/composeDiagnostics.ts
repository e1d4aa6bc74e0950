import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComposeError } from '../clients/composeCli';

/**
 * Shows a malformed compose file in the Problems view: every problem our parser found (precise
 * ranges), or the one position the compose CLI reported. A file compose names relatively is read
 * against `baseDir` (the project's folder). Returns the file's Uri only when diagnostics were set on
 * a file that exists — otherwise (no file, a name that is not on disk) nothing is set and the caller
 * must not offer "Show Problems", which would open an empty view.
 */
export function showComposeProblems(collection: vscode.DiagnosticCollection, err: ComposeError, baseDir?: string): vscode.Uri | undefined {
  const named = err.details.file;
  if (!named) return undefined;
  const file = path.isAbsolute(named) || !baseDir ? named : path.resolve(baseDir, named);
  if (!fs.existsSync(file)) return undefined;
  const problems =
    err.details.problems ??
    (err.details.line
      ? [
          {
            message: err.message,
            start: { line: err.details.line, column: err.details.column ?? 1 },
            end: { line: err.details.line, column: (err.details.column ?? 1) + 1 },
          },
        ]
      : [{ message: err.message, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }]);
  const diagnostics = problems.map((p) => {
    // the yaml parser counts from 1, VS Code from 0
    const start = new vscode.Position(Math.max(0, p.start.line - 1), Math.max(0, p.start.column - 1));
    const endRaw = new vscode.Position(Math.max(0, p.end.line - 1), Math.max(0, p.end.column - 1));
    const end = endRaw.isAfter(start) ? endRaw : start.translate(0, 1);
    const d = new vscode.Diagnostic(new vscode.Range(start, end), p.message, vscode.DiagnosticSeverity.Error);
    d.source = 'Realm compose';
    return d;
  });
  const uri = vscode.Uri.file(file);
  collection.set(uri, diagnostics);
  return collection.get(uri)?.length ? uri : undefined;
}

/** True while Realm's compose problems for `uri` are still in the Problems view (a later parse may have cleared them). */
export function hasComposeProblems(collection: vscode.DiagnosticCollection, uri: vscode.Uri): boolean {
  return (collection.get(uri)?.length ?? 0) > 0;
}

/** Removes earlier compose problems of these files (after they parsed cleanly). */
export function clearComposeProblems(collection: vscode.DiagnosticCollection, files: readonly string[]): void {
  for (const f of files) collection.delete(vscode.Uri.file(f));
}
