/**
 * Finds, among many label sets, those that contain a given one or are contained in it — the
 * relation by which a Prometheus alert and its Alertmanager copy (which carries the external labels
 * too) are the same alert. A linear scan per query made merging and diffing quadratic (658 ms for
 * 5,000 alerts); this index groups label sets by their label names ("shapes"), so a query costs a
 * hash lookup per shape. Alerts come in few shapes (one or two per rule), so a whole merge is linear.
 */

interface Shape {
  /** Sorted label names every set of this shape has, and nothing else. */
  names: string[];
  nameSet: Set<string>;
  /** Positions of the items of this shape by their values' key. */
  byValues: Map<string, number[]>;
  /** The same items keyed by their values on fewer names (a query's names), built on first need. */
  byProjection: Map<string, Map<string, number[]>>;
  positions: number[];
}

const SEP = '\u0000';

export class LabelIndex<T> {
  private readonly shapes = new Map<string, Shape>();
  /** Label names in the order an object lists them → sorted; label sets of one source share an order. */
  private readonly sortedNames = new Map<string, string[]>();

  constructor(
    private readonly items: readonly T[],
    private readonly labelsOf: (item: T) => Record<string, string>,
  ) {
    items.forEach((item, i) => {
      const labels = labelsOf(item);
      const names = this.namesOf(labels);
      const shapeKey = names.join(SEP);
      let shape = this.shapes.get(shapeKey);
      if (!shape) this.shapes.set(shapeKey, (shape = { names, nameSet: new Set(names), byValues: new Map(), byProjection: new Map(), positions: [] }));
      shape.positions.push(i);
      push(shape.byValues, valuesKey(labels, names), i);
    });
  }

  /**
   * The items whose labels contain `labels` or are contained in them (equal sets included), in the
   * order they were given.
   */
  related(labels: Record<string, string>): T[] {
    const names = this.namesOf(labels);
    const hits: number[] = [];
    for (const shape of this.shapes.values()) {
      // the item's labels ⊆ the query: the query, read on the item's names, has the item's values
      if (shape.names.length <= names.length && shape.names.every((n) => Object.hasOwn(labels, n))) {
        for (const i of shape.byValues.get(valuesKey(labels, shape.names)) ?? []) hits.push(i);
      }
      // the query ⊆ the item's labels: the item, read on the query's names, has the query's values
      if (shape.names.length > names.length && names.every((n) => shape.nameSet.has(n))) {
        for (const i of this.projection(shape, names).get(valuesKey(labels, names)) ?? []) hits.push(i);
      }
    }
    // usually one hit: order and de-duplicate only when there are more
    const ordered = hits.length > 1 ? [...new Set(hits)].sort((a, b) => a - b) : hits;
    // keys are joined with NUL, which a value may contain: check each hit for real
    const out: T[] = [];
    for (const i of ordered) {
      const item = this.items[i];
      const other = this.labelsOf(item);
      if (containsLabels(other, labels) || containsLabels(labels, other)) out.push(item);
    }
    return out;
  }

  private namesOf(labels: Record<string, string>): string[] {
    const raw = Object.keys(labels);
    const key = raw.join(SEP);
    let sorted = this.sortedNames.get(key);
    if (!sorted) this.sortedNames.set(key, (sorted = raw.sort()));
    return sorted;
  }

  private projection(shape: Shape, names: string[]): Map<string, number[]> {
    const key = names.join(SEP);
    let index = shape.byProjection.get(key);
    if (!index) {
      index = new Map();
      for (const i of shape.positions) push(index, valuesKey(this.labelsOf(this.items[i]), names), i);
      shape.byProjection.set(key, index);
    }
    return index;
  }
}

function valuesKey(labels: Record<string, string>, names: readonly string[]): string {
  let key = '';
  for (const n of names) key += labels[n] + SEP;
  return key;
}

/** True when `outer` has every label of `inner` with the same value (an alert's labels and a rule's matchers, a silence's). */
export function containsLabels(outer: Readonly<Record<string, string>>, inner: Readonly<Record<string, string>>): boolean {
  for (const k in inner) if (Object.hasOwn(inner, k) && outer[k] !== inner[k]) return false;
  return true;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
