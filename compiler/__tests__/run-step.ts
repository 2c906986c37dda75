/**
 * A tiny stand-in for KFP's launcher, for tests only (the real local runner lives in the proxy): lays out a
 * task root the way kfp.local does, writes the ExecutorInput, resolves the placeholders of one executor of
 * a compiled IR and runs its command with a given python as `python3`.
 */
import { spawnSync } from 'child_process';
import { mkdirSync } from 'fs';
import { join } from 'path';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface IStepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  taskRoot: string;
  /** Output parameter files and artifact paths by name (kfp.local: `<task root>/<name>`). */
  outputs: Record<string, string>;
  executorOutput: string;
}

export function runTask(
  ir: Json,
  task: string,
  inputs: { parameters?: Record<string, unknown>; artifacts?: Record<string, string> },
  runRoot: string,
  python: string
): IStepRun {
  const taskSpec = ir.root.dag.tasks[task];
  const component = ir.components[taskSpec.componentRef.name];
  const container = ir.deploymentSpec.executors[component.executorLabel].container;
  const taskRoot = join(runRoot, taskSpec.componentRef.name.replace(/^comp-/, ''));
  mkdirSync(taskRoot, { recursive: true });
  const outputs: Record<string, string> = {};
  const outParams: Json = {};
  const outArtifacts: Json = {};
  for (const name of Object.keys(component.outputDefinitions?.parameters ?? {})) {
    outputs[name] = join(taskRoot, name);
    outParams[name] = { outputFile: outputs[name] };
  }
  for (const [name, def] of Object.entries<Json>(component.outputDefinitions?.artifacts ?? {})) {
    outputs[name] = join(taskRoot, name);
    outArtifacts[name] = {
      artifacts: [{ name, uri: outputs[name], type: def.artifactType, metadata: {} }]
    };
  }
  const inArtifacts: Json = {};
  for (const [name, path] of Object.entries(inputs.artifacts ?? {})) {
    const def = component.inputDefinitions.artifacts[name];
    inArtifacts[name] = { artifacts: [{ name, uri: path, type: def.artifactType, metadata: {} }] };
  }
  const executorOutput = join(taskRoot, 'executor_output.json');
  const executorInput = {
    inputs: { parameterValues: inputs.parameters ?? {}, artifacts: inArtifacts },
    outputs: { parameters: outParams, artifacts: outArtifacts, outputFile: executorOutput }
  };
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const resolve = (arg: string) =>
    arg
      .replace('{{$}}', () => JSON.stringify(executorInput))
      .replace(/\{\{\$\.inputs\.parameters\['([^']+)'\]\}\}/g, (_, n) =>
        text(inputs.parameters?.[n])
      )
      .replace(
        /\{\{\$\.inputs\.artifacts\['([^']+)'\]\.path\}\}/g,
        (_, n) => inputs.artifacts?.[n] ?? ''
      )
      .replace(/\{\{\$\.outputs\.parameters\['([^']+)'\]\.output_file\}\}/g, (_, n) => outputs[n])
      .replace(/\{\{\$\.outputs\.artifacts\['([^']+)'\]\.path\}\}/g, (_, n) => outputs[n]);
  const argv = [...container.command, ...(container.args ?? [])].map(resolve);
  const program = argv[0] === 'python3' ? python : argv[0];
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const { name, value } of container.env ?? []) {
    env[name] = value;
  }
  const result = spawnSync(program, argv.slice(1), { encoding: 'utf8', env, timeout: 300_000 });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    taskRoot,
    outputs,
    executorOutput
  };
}
