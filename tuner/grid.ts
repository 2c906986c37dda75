/**
 * Grid search as Katib's Optuna service builds it: ints min..max by step (default 1), doubles min..max by their
 * required step, categorical/discrete their lists; the grid is the product over the parameters sorted by name
 * (Optuna's GridSampler), visited in an order shuffled by the seed (GridSampler picks a random unvisited
 * combination each time); `done` once every combination has been suggested.
 */
import { Rng, STREAM } from './rng';
import { stepOf, tidy } from './space';
import { IParameter, ITrialHistory, ParamValue } from './types';

/** Values of one parameter on the grid; undefined for a double without a step. */
export function gridValues(p: IParameter): ParamValue[] | undefined {
  if (p.type === 'categorical' || p.type === 'discrete') {
    return [...(p.list ?? [])];
  }
  const step = stepOf(p);
  if (step === undefined || p.min === undefined || p.max === undefined) {
    return undefined;
  }
  const count = Math.floor((p.max - p.min) / step + 1e-9) + 1;
  const values: ParamValue[] = [];
  for (let k = 0; k < count; k++) {
    values.push(p.type === 'int' ? Math.round(p.min + k * step) : tidy(p.min + k * step));
  }
  return values;
}

/** Number of combinations (Infinity when a double has no step). */
export function gridSize(parameters: IParameter[]): number {
  let size = 1;
  for (const p of parameters) {
    const values = gridValues(p);
    if (values === undefined) {
      return Infinity;
    }
    size *= values.length;
  }
  return size;
}

function sortedByName(parameters: IParameter[]): IParameter[] {
  return [...parameters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The combination with this id in itertools.product order (the last sorted parameter varies fastest). */
export function gridPoint(parameters: IParameter[], id: number): Record<string, ParamValue> {
  const sorted = sortedByName(parameters);
  const lists = sorted.map(p => gridValues(p)!);
  const values: Record<string, ParamValue> = {};
  let rest = id;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const n = lists[i].length;
    values[sorted[i].name] = lists[i][rest % n];
    rest = Math.floor(rest / n);
  }
  // Keys in the study's parameter order, as every other algorithm returns them.
  return Object.fromEntries(parameters.map(p => [p.name, values[p.name]]));
}

/** Id of a combination, or -1 when the values are not on the grid. */
export function gridId(parameters: IParameter[], params: Record<string, ParamValue>): number {
  const sorted = sortedByName(parameters);
  let id = 0;
  for (const p of sorted) {
    const values = gridValues(p)!;
    const v = params[p.name];
    let k = values.findIndex(x => x === v || String(x) === String(v));
    if (k < 0 && typeof v === 'number') {
      k = values.findIndex(
        x => typeof x === 'number' && Math.abs(x - v) <= 1e-9 * Math.max(1, Math.abs(v))
      );
    }
    if (k < 0) {
      return -1;
    }
    id = id * values.length + k;
  }
  return id;
}

const ENUMERATE_BELOW = 200000;

/** The next combination never suggested before (any state counts as visited), or undefined when exhausted. */
export function nextGridPoint(
  parameters: IParameter[],
  history: ITrialHistory[],
  seed: number
): Record<string, ParamValue> | undefined {
  const size = gridSize(parameters);
  const visited = new Set<number>();
  for (const t of history) {
    const id = gridId(parameters, t.params);
    if (id >= 0) {
      visited.add(id);
    }
  }
  if (visited.size >= size) {
    return undefined;
  }
  const rng = new Rng(seed, history.length, STREAM.grid);
  if (size <= ENUMERATE_BELOW) {
    const unvisited: number[] = [];
    for (let id = 0; id < size; id++) {
      if (!visited.has(id)) {
        unvisited.push(id);
      }
    }
    return gridPoint(parameters, unvisited[rng.int(unvisited.length)]);
  }
  // A huge grid is barely visited (maxTrialCount ≤ size is small in comparison): draw until unvisited.
  for (;;) {
    const id = rng.int(size);
    if (!visited.has(id)) {
      return gridPoint(parameters, id);
    }
  }
}
