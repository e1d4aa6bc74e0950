import type { IncidentLogsView, IncidentView } from '../../src/shared/incidentProtocol';
import { loadState, saveState } from '../common/vscodeApi';
import type { ChartCard } from '../metrics/chart';

/** What the Incident panel keeps across reloads: which incident it shows (the extension has the rest). */
export interface IncidentSaved {
  incidentId?: string;
}

/** The Incident webview's state in one place: the saved incident id, the view and logs as last answered, its charts. */
export class IncidentSession {
  readonly saved: IncidentSaved = loadState<IncidentSaved>({});
  view: IncidentView | undefined;
  logs: IncidentLogsView | undefined;
  charts: ChartCard[] = [];

  show(id: string): void {
    if (id !== this.saved.incidentId) {
      this.view = undefined;
      this.logs = undefined;
    }
    this.saved.incidentId = id;
    saveState(this.saved);
  }
}
