import type { IncidentLogsView, IncidentView } from '../../src/shared/incidentProtocol';
import { loadState, saveState } from '../common/vscodeApi';

/** What the Incident panel keeps across reloads: which incident it shows (the extension has the rest). */
export interface IncidentSaved {
  incidentId?: string;
}

/** The Incident webview's state in one place: the saved incident id, and the view and logs as last answered. */
export class IncidentSession {
  readonly saved: IncidentSaved = loadState<IncidentSaved>({});
  view: IncidentView | undefined;
  logs: IncidentLogsView | undefined;

  show(id: string): void {
    if (id !== this.saved.incidentId) {
      this.view = undefined;
      this.logs = undefined;
    }
    this.saved.incidentId = id;
    saveState(this.saved);
  }
}
