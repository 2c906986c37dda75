/** A study's trial as a local training job: parameters substituted into command/args/env/source and exported
 * as env vars (the same names as on the cluster), labelled with the study. Pure. */
import { IStudySpec } from '../../../../../contract/study';
import { parameterEnvName, TRIAL_PARAMETER_REF } from '../../../../../contract/study-rules';
import { ITrainingJobSpec } from '../../../../../contract/training';

export const STUDY_LABEL = 'kubeflow-workbench.io/study';
export const TRIAL_LABEL = 'kubeflow-workbench.io/trial';

export function trialName(study: string, index: number): string {
  return `${study}-t${index}`;
}

function substitute(text: string, params: Record<string, string>): string {
  return text.replace(TRIAL_PARAMETER_REF, (whole, name: string) => params[name] ?? whole);
}

export function trialJobOf(
  spec: IStudySpec,
  index: number,
  params: Record<string, string>
): ITrainingJobSpec {
  const t = spec.trial;
  const sub = (text: string) => substitute(text, params);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.env ?? {})) {
    env[k] = sub(v);
  }
  for (const p of spec.parameters) {
    env[parameterEnvName(p.name)] = params[p.name];
  }
  const name = trialName(spec.name ?? '', index);
  return {
    ...t,
    name,
    namespace: spec.namespace,
    env,
    ...(t.command ? { command: t.command.map(sub) } : {}),
    ...(t.args ? { args: t.args.map(sub) } : {}),
    ...(t.source
      ? { source: { filename: t.source.filename, content: sub(t.source.content) } }
      : {}),
    labels: { ...(t.labels ?? {}), [STUDY_LABEL]: spec.name ?? '', [TRIAL_LABEL]: name }
  };
}
