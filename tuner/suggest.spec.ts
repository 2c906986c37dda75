import { checkAlgorithm, LOCAL_ALGORITHMS, SETTING_DEFAULTS, suggest } from './index';
import { MIXED, request, trial } from './test-helpers';

describe('suggest: rules common to every algorithm', () => {
  it('done once maxTrialCount trials exist, whatever their state', () => {
    const req = request('random', MIXED, { maxTrialCount: 2 });
    const history = [trial(0, {}, 'failed'), trial(1, {}, 'succeeded', 1)];
    expect(suggest(req, history)).toEqual({
      kind: 'done',
      reason: 'all 2 trials (maxTrialCount) have been suggested'
    });
  });

  it('wait while parallelTrialCount trials are running', () => {
    const req = request('tpe', MIXED, { parallelTrialCount: 2 });
    const history = [trial(0, {}, 'running'), trial(1, {}, 'running')];
    expect(suggest(req, history)).toEqual({
      kind: 'wait',
      reason: '2 trials running (parallelTrialCount 2)'
    });
    history[1].state = 'succeeded';
    history[1].params = { lr: 0.01, layers: 2, dropout: 0.1, optimizer: 'sgd', batch: 32 };
    expect(suggest(req, history).kind).toBe('trial');
  });

  it('throws on a request checkAlgorithm refuses (the backend checks first)', () => {
    expect(() => suggest(request('sobol', MIXED), [])).toThrow(
      'invalid study: /algorithm/name: the local tuner has no algorithm "sobol"'
    );
  });

  it('every algorithm has its settings listed with defaults, and the defaults pass checkAlgorithm', () => {
    expect(Object.keys(SETTING_DEFAULTS)).toEqual([...LOCAL_ALGORITHMS]);
    for (const name of LOCAL_ALGORITHMS) {
      const settings = Object.fromEntries(
        Object.entries(SETTING_DEFAULTS[name]).filter(
          (e): e is [string, string] => e[1] !== undefined
        )
      );
      const extra: Record<string, string> =
        name === 'hyperband' ? { r_l: '9', resource_name: 'layers' } : {};
      const space =
        name === 'grid' ? MIXED.map(p => (p.type === 'double' ? { ...p, step: 0.01 } : p)) : MIXED;
      expect(
        checkAlgorithm(
          request(name, space, { maxTrialCount: 10, settings: { ...settings, ...extra } })
        )
      ).toEqual([]);
    }
  });
});
