import type * as vscode from 'vscode';

/**
 * Tells each tree whether its view is visible (a hidden tree unsubscribes and does no work) and `onAny` whether
 * any is (alerts poll faster while one is). `update()` applies the current visibility (at start-up).
 */
export function followVisibility(
  views: ReadonlyArray<readonly [Pick<vscode.TreeView<unknown>, 'visible' | 'onDidChangeVisibility'>, { setVisible(visible: boolean): void }]>,
  onAny: (anyVisible: boolean) => void,
): vscode.Disposable & { update(): void } {
  const update = () => {
    for (const [view, tree] of views) tree.setVisible(view.visible);
    onAny(views.some(([view]) => view.visible));
  };
  const subs = views.map(([view]) => view.onDidChangeVisibility(update));
  return { update, dispose: () => subs.forEach((s) => s.dispose()) };
}
