import { sourceQuery, type RealmAlert } from '../core/alerts';
import { plain } from '../core/text';
import { serviceKey } from '../core/healPolicy';
import type { AlertStoreChange } from './alertStore';
import type { IncidentBook } from './incidentEngine';

/**
 * Alert changes → incidents: a firing alert that names a watched service opens one (or joins the
 * open one); pending, silenced and resolved alerts are noted on it, and a resolution may close it.
 */
export function applyAlertChange(book: IncidentBook, c: AlertStoreChange): void {
  const now = book.now();
  const name = (a: RealmAlert) => plain(a.name, 200);
  const firingNow = [...c.added.filter((a) => a.state === 'firing'), ...c.changed.filter((x) => x.alert.state === 'firing').map((x) => x.alert)];
  for (const a of firingNow) {
    const ref = serviceOf(book, a);
    if (!ref) continue;
    // an alert the open incident already has as firing (its annotations or source changed) is no new trigger:
    // re-triggering would restart the settle time of a service that is recovering
    if (book.openOf(ref.key)?.firing.includes(a.key)) continue;
    const i = book.trigger(
      ref.key,
      ref.project,
      ref.service,
      'alert',
      { time: now, kind: 'alert-firing', text: `alert ${name(a)} firing`, alertname: name(a) },
      name(a),
    );
    if (!i.firing.includes(a.key)) i.firing.push(a.key);
    if (!i.alerts.some((x) => x.key === a.key && x.resolvedAt === undefined)) {
      i.alerts.push({ key: a.key, name: name(a), query: sourceQuery(a), labels: a.labels, annotations: a.annotations, firingAt: a.since || now });
    }
    // a service that runs (an alert on it alone, or it came back after its crash) counts as recovering again
    book.recheck();
    book.commit(i);
  }
  for (const x of c.changed) {
    const ref = serviceOf(book, x.alert);
    const i = ref && book.openOf(ref.key);
    if (i && x.alert.state !== 'firing')
      book.note(i, {
        time: now,
        kind: x.alert.state === 'pending' ? 'alert-pending' : 'alert-silenced',
        text: `alert ${name(x.alert)} ${x.alert.state === 'pending' ? 'pending' : 'silenced'}`,
        alertname: name(x.alert),
      });
  }
  for (const a of c.added.filter((x) => x.state === 'pending')) {
    const ref = serviceOf(book, a);
    const i = ref && book.openOf(ref.key);
    if (i) book.note(i, { time: now, kind: 'alert-pending', text: `alert ${name(a)} pending`, alertname: name(a) });
  }
  for (const a of c.resolved) {
    const ref = serviceOf(book, a);
    const i = ref && book.openOf(ref.key);
    if (!i) continue;
    i.firing = i.firing.filter((k) => k !== a.key);
    for (const x of i.alerts) if (x.key === a.key && x.resolvedAt === undefined) x.resolvedAt = now;
    book.note(i, { time: now, kind: 'alert-resolved', text: `alert ${name(a)} resolved`, alertname: name(a) });
    book.tryClose(i);
    book.commit(i);
  }
}

/** The watched service an alert names (label text is only compared with the watched names). */
function serviceOf(book: IncidentBook, a: RealmAlert): { key: string; project: string; service: string } | undefined {
  const name = a.labels.service ?? a.labels.compose_service ?? a.labels.container_label_com_docker_compose_service;
  const project = a.labels.compose_project ?? a.labels.project ?? a.labels.container_label_com_docker_compose_project;
  if (!name) return undefined;
  const matches = book.snapshot.groups.filter((g) => book.watched(g.project) && g.service === name && (project === undefined || g.project === project));
  if (matches.length !== 1) return undefined;
  return { key: serviceKey(matches[0]), project: matches[0].project, service: matches[0].service };
}
