import * as vscode from 'vscode';
import type { ComposeError } from '../clients/composeCli';

/**
 * Shows a malformed compose file in the Problems view: every problem our parser found (precise
 * ranges), or the one position the compose CLI reported. Returns false when the error has no file.
 */
export function showComposeProblems(collection: vscode.DiagnosticCollection, err: ComposeError): boolean {
  const file = err.details.file;
  if (!file) return false;
  const problems = err.details.problems ?? (err.details.line
    ? [{ message: err.message, start: { line: err.details.line, column: err.details.column ?? 1 }, end: { line: err.details.line, column: (err.details.column ?? 1) + 1 } }]
    : [{ message: err.message, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }]);
  const diagnostics = problems.map((p) => {
    // the yaml parser counts from 1, VS Code from 0
    const start = new vscode.Position(p.start.line - 1, Math.max(0, p.start.column - 1));
    const endRaw = new vscode.Position(p.end.line - 1, Math.max(0, p.end.column - 1));
    const end = endRaw.isAfter(start) ? endRaw : start.translate(0, 1);
    const d = new vscode.Diagnostic(new vscode.Range(start, end), p.message, vscode.DiagnosticSeverity.Error);
    d.source = 'Realm compose';
    return d;
  });
  collection.set(vscode.Uri.file(file), diagnostics);
  return true;
}

/** Removes earlier compose problems of these files (after they parsed cleanly). */
export function clearComposeProblems(collection: vscode.DiagnosticCollection, files: readonly string[]): void {
  for (const f of files) collection.delete(vscode.Uri.file(f));
}
