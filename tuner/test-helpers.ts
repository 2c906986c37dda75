/** Small builders shared by the tuner's specs. */
import { IParameter, ISuggestRequest, ITrialHistory, ParamValue, TrialState } from './types';

export function request(
  name: string,
  parameters: IParameter[],
  overrides: Partial<ISuggestRequest> & { settings?: Record<string, string> } = {}
): ISuggestRequest {
  const { settings, ...rest } = overrides;
  return {
    algorithm: { name, settings },
    parameters,
    direction: 'minimize',
    seed: 42,
    maxTrialCount: 1000,
    parallelTrialCount: 1000,
    ...rest
  };
}

export function trial(
  index: number,
  params: Record<string, ParamValue>,
  state: TrialState = 'succeeded',
  objective?: number,
  curve?: number[]
): ITrialHistory {
  return {
    index,
    params,
    state,
    objective,
    curve: curve?.map((value, i) => ({ step: i + 1, value }))
  };
}

export const MIXED: IParameter[] = [
  { name: 'lr', type: 'double', min: 1e-4, max: 1e-1, distribution: 'logUniform' },
  { name: 'layers', type: 'int', min: 1, max: 4 },
  { name: 'dropout', type: 'double', min: 0, max: 0.5, step: 0.1 },
  { name: 'optimizer', type: 'categorical', list: ['sgd', 'adam', 'ftrl'] },
  { name: 'batch', type: 'discrete', list: [16, 32, 64] }
];
