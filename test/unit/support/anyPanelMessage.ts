import { isIncidentToExtension } from '../../../src/shared/incidentProtocol';
import { isLogsToExtension } from '../../../src/shared/logsProtocol';
import { isMetricsToExtension } from '../../../src/shared/metricsProtocol';

/** True when some panel's protocol accepts `m` from its webview: a message every panel drops is malformed. */
export function isWebviewMessage(m: unknown): boolean {
  return isMetricsToExtension(m) || isLogsToExtension(m) || isIncidentToExtension(m);
}
