/**
 * Katib's synchronous Hyperband (`pkg/suggestion/v1beta1/hyperband/service.py`): brackets s = s_max…0 with
 * n = ⌈(s_max+1)·η^s/(s+1)⌉ random configurations at r = r_l·η^(−s) (resource int(r)); rung i keeps the top
 * ⌈n_{i−1}/η⌉ of n_{i−1} = ⌈n·η^(−(i−1))⌉ and reruns them from scratch with `resource_name` = int(r·η^i).
 * A rung waits until every trial of the rung before it has finished; a new bracket starts as soon as the last
 * rung of the previous one has been handed out (as Katib does). Unlike katib#1366 every bracket runs.
 *
 * Differences from Katib, on purpose: Katib sizes the first rung of a bracket by the controller's request
 * number (a hack in GetSuggestions) where we use n from the formula; Katib raises when a finished rung has a
 * trial that did not succeed, and the experiment stalls, where we rank such trials last and carry on.
 */
import { Rng, STREAM } from './rng';
import { floatSetting, seedOf } from './settings';
import { sampleAllHyperopt } from './space';
import { ISuggestRequest, ITrialHistory, Suggestion } from './types';

export interface IRung {
  bracket: number;
  rung: number;
  count: number;
  resource: number;
  /** Index of the first trial of this rung in creation order. */
  start: number;
}

export interface IHyperbandSettings {
  rL: number;
  eta: number;
  resourceName: string;
}

export function hyperbandSettings(
  settings: Record<string, string> | undefined
): IHyperbandSettings {
  const etaRaw = Math.trunc(floatSetting(settings, ['eta'], 3) ?? 3);
  return {
    rL: floatSetting(settings, ['r_l'], NaN) ?? NaN,
    eta: etaRaw > 0 ? etaRaw : 3,
    resourceName: settings?.resource_name ?? ''
  };
}

/** Katib's s_max = int(log(r_l)/log(eta)), with the same floating point (so 1000 with eta 10 gives 2). */
export function sMax(rL: number, eta: number): number {
  return Math.trunc(Math.log(rL) / Math.log(eta));
}

export function hyperbandSchedule(rL: number, eta: number): IRung[] {
  const top = sMax(rL, eta);
  const rungs: IRung[] = [];
  let start = 0;
  for (let s = top; s >= 0; s--) {
    const n = Math.ceil((top + 1) * (Math.pow(eta, s) / (s + 1)));
    const r = rL * Math.pow(eta, -s);
    rungs.push({ bracket: s, rung: 0, count: n, resource: Math.trunc(r), start });
    start += n;
    for (let i = 1; i <= s; i++) {
      const previous = Math.ceil(n * Math.pow(eta, -(i - 1)));
      const count = Math.ceil(previous / eta);
      rungs.push({ bracket: s, rung: i, count, resource: Math.trunc(r * Math.pow(eta, i)), start });
      start += count;
    }
  }
  return rungs;
}

export function suggestHyperband(request: ISuggestRequest, history: ITrialHistory[]): Suggestion {
  const { rL, eta, resourceName } = hyperbandSettings(request.algorithm.settings);
  const schedule = hyperbandSchedule(rL, eta);
  const k = history.length;
  const position = schedule.findIndex(r => k >= r.start && k < r.start + r.count);
  if (position < 0) {
    const total = schedule.reduce((a, r) => a + r.count, 0);
    return {
      kind: 'done',
      reason: `hyperband finished: all ${total} trials of its ${sMax(rL, eta) + 1} brackets were suggested`
    };
  }
  const rung = schedule[position];
  const resourceParam = request.parameters.find(p => p.name === resourceName);
  const resource = resourceParam?.type === 'double' ? rung.resource : Math.trunc(rung.resource);
  if (rung.rung === 0) {
    const rng = new Rng(seedOf(request.seed, request.algorithm.settings), k, STREAM.hyperband);
    return {
      kind: 'trial',
      params: { ...sampleAllHyperopt(request.parameters, rng), [resourceName]: resource }
    };
  }
  const previous = schedule[position - 1];
  const trials = [...history]
    .sort((a, b) => a.index - b.index)
    .slice(previous.start, previous.start + previous.count);
  const running = trials.filter(t => t.state === 'running').length;
  if (running > 0) {
    return {
      kind: 'wait',
      reason: `hyperband bracket ${rung.bracket} waits for rung ${previous.rung} to finish (${running} of ${previous.count} trials still running)`
    };
  }
  const sign = request.direction === 'maximize' ? -1 : 1;
  const good = (t: ITrialHistory) => t.state === 'succeeded' && Number.isFinite(t.objective);
  const ranked = [...trials].sort((a, b) => {
    if (good(a) !== good(b)) {
      return good(a) ? -1 : 1;
    }
    return good(a) ? sign * (a.objective! - b.objective!) || a.index - b.index : a.index - b.index;
  });
  const parent = ranked[k - rung.start];
  return { kind: 'trial', params: { ...parent.params, [resourceName]: resource } };
}
