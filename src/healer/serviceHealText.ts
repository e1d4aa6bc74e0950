import { clockTime } from '../core/clockTime';
import { formatDuration } from '../core/duration';
import { plain } from '../core/text';
import { describeScheduled } from './healSchedule';
import type { ServiceHealState } from './healer';

/**
 * What the healer is doing about a service, in the words both the Healer view and the Services view
 * use: "restart in 8 s (back-off after 2 restarts)", "ServiceDown still firing: judged again in 25 s",
 * "left alone: stopped by the user at 10:42",
 * "healing disabled (realm.healer.optOut)", "gave up", "acting…". Undefined when there is nothing to say.
 */
export function serviceHealText(s: ServiceHealState, now: number): string | undefined {
  if (s.inFlight) return 'acting…';
  if (s.optedOut) return `healing disabled (${s.optedOut === 'setting' ? 'realm.healer.optOut' : 'label realm.heal: "false"'})`;
  if (s.stoppedByUserAt !== undefined) return `left alone: stopped by the user at ${clockTime(s.stoppedByUserAt, now)}`;
  if (s.scheduled) return describeScheduled(s.scheduled, now);
  if (s.alertWait) return `${plain(s.alertWait.alertname, 60)} still firing: judged again in ${formatDuration(s.alertWait.at - now, 'countdown')}`;
  if (s.gaveUp) return 'gave up';
  return undefined;
}

/** The times `serviceHealText` counts down to (a scheduled action, an alert judged again): the views redraw as they near. */
export function healCountdowns(s: ServiceHealState): number[] {
  return [s.scheduled?.at, s.alertWait?.at].filter((t): t is number => t !== undefined);
}
