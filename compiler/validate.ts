/**
 * Everything that must hold before a pipeline document compiles, in plain words, each problem at a JSON
 * pointer into the document and naming its node: the schema, then names, ports, files, edges, types, cycles
 * and unconnected inputs. Warnings (things that compile but may surprise) come from the same pass.
 */
import {
  IPipelineNode,
  IPipelineProblem,
  IPipelineSpec,
  INodeInput,
  IPort,
  ParameterType
} from '../contract/pipeline';
import { validatePipelineDocument } from '../contract/pipeline-schema';
import { EXECUTED_NOTEBOOK, RETURN_OUTPUT } from './names';
import { normalizePath } from './paths';
import { containerPlaceholders } from './placeholders';

/** Reads a file by its path relative to the pipeline file's directory; undefined when there is none. */
export type FileReader = (path: string) => string | undefined;

export interface IChecked {
  /** The document with its defaults filled (only when the schema accepted it). */
  spec?: IPipelineSpec;
  errors: IPipelineProblem[];
  warnings: IPipelineProblem[];
}

const FILE_EXTENSION: Record<string, RegExp> = {
  notebook: /\.ipynb$/,
  script: /\.py$/,
  function: /\.py$/
};

/** Does a JSON value fit a parameter type (as KFP's protobuf Value would carry it)? */
export function fitsType(value: unknown, type: ParameterType): boolean {
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'NUMBER_INTEGER':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'NUMBER_DOUBLE':
      return typeof value === 'number' && Number.isFinite(value);
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'LIST':
      return Array.isArray(value);
    case 'STRUCT':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/** Python's keywords: notebook and function steps use port names as Python names (variables, arguments). */
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' '
  )
);

const describePort = (p: IPort) => p.type ?? p.artifact ?? 'untyped';

/** May an output of type `from` feed an input of type `to`? (kfp: equal types; `system.Artifact` takes any.) */
function compatible(from: IPort, to: IPort): boolean {
  if (from.type || to.type) {
    return from.type === to.type;
  }
  return to.artifact === 'system.Artifact' || from.artifact === to.artifact;
}

/** Full check: errors and warnings. */
export function checkPipeline(document: unknown, files: FileReader): IChecked {
  const schema = validatePipelineDocument(document);
  if (!schema.ok) {
    const nodes = (document as { nodes?: { id?: unknown }[] } | null)?.nodes;
    return { errors: schema.fields.map(f => withNode(f, nodes)), warnings: [] };
  }
  const spec = schema.value;
  const errors: IPipelineProblem[] = [];
  const warnings: IPipelineProblem[] = [];
  const at = (i: number) => `/nodes/${i}`;
  const problem = (list: IPipelineProblem[], path: string, message: string, node?: string) =>
    list.push(node ? { path, node, message: `node '${node}': ${message}` } : { path, message });

  // Names
  // The first of duplicate names counts (the others are reported).
  const params = new Map([...spec.parameters].reverse().map(p => [p.name, p]));
  spec.parameters.forEach((p, i) => {
    if (spec.parameters.findIndex(q => q.name === p.name) !== i) {
      problem(
        errors,
        `/parameters/${i}/name`,
        `there is another pipeline parameter named '${p.name}'`
      );
    }
    if (p.default !== undefined && !fitsType(p.default, p.type)) {
      problem(errors, `/parameters/${i}/default`, `the default of '${p.name}' is not a ${p.type}`);
    }
  });
  const nodes = new Map<string, { node: IPipelineNode; index: number }>();
  spec.nodes.forEach((node, i) => {
    if (nodes.has(node.id)) {
      problem(
        errors,
        `${at(i)}/id`,
        'another node has this id (ids name the tasks in KFP)',
        node.id
      );
    } else {
      nodes.set(node.id, { node, index: i });
    }
    checkNode(node, i, spec, files, (path, message, warn) =>
      problem(warn ? warnings : errors, path, message, node.id)
    );
  });

  // Edges: ends exist, ports exist, types agree, one source per input
  const fedBy = new Map<string, number>();
  spec.edges.forEach((edge, i) => {
    const path = `/edges/${i}`;
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    if (!from) {
      problem(errors, `${path}/from/node`, `there is no node '${edge.from.node}'`);
    }
    if (!to) {
      problem(errors, `${path}/to/node`, `there is no node '${edge.to.node}'`);
    }
    if (!from || !to) {
      return;
    }
    const { output } = edge.from;
    const { input } = edge.to;
    if ((output === undefined) !== (input === undefined)) {
      problem(
        errors,
        path,
        `an edge names both an output and an input, or neither (run after '${edge.from.node}')`,
        edge.to.node
      );
      return;
    }
    if (output === undefined || input === undefined) {
      return;
    }
    const out = from.node.outputs.find(o => o.name === output);
    const outputNames = outputsOf(from.node);
    if (!out && !outputNames.includes(output)) {
      problem(errors, `${path}/from/output`, `has no output '${output}'`, edge.from.node);
      return;
    }
    const inPort = to.node.inputs.find(p => p.name === input);
    if (!inPort) {
      problem(errors, `${path}/to/input`, `has no input '${input}'`, edge.to.node);
      return;
    }
    const key = `${edge.to.node}\u0000${input}`;
    if (fedBy.has(key)) {
      problem(
        errors,
        `${path}/to/input`,
        `input '${input}' is already fed by edge ${fedBy.get(key)}`,
        edge.to.node
      );
      return;
    }
    fedBy.set(key, i);
    const source: IPort = out ?? { name: output, artifact: 'system.Artifact' };
    if (!compatible(source, inPort)) {
      problem(
        errors,
        path,
        `input '${input}' (${describePort(inPort)}) cannot take output '${output}' of '${edge.from.node}' (${describePort(source)})`,
        edge.to.node
      );
    }
    if (inPort.parameter !== undefined || inPort.value !== undefined) {
      problem(
        errors,
        `${at(to.index)}/inputs/${to.node.inputs.indexOf(inPort)}`,
        `input '${input}' is connected to '${edge.from.node}' and also set to a ${inPort.parameter !== undefined ? 'pipeline parameter' : 'value'}`,
        edge.to.node
      );
    }
  });

  // Inputs bound to parameters and constants, and the ones nothing feeds
  spec.nodes.forEach((node, i) => {
    node.inputs.forEach((input, j) => {
      const path = `${at(i)}/inputs/${j}`;
      checkInputBinding(input, path, params, (p, m) => problem(errors, p, m, node.id));
      const connected = fedBy.has(`${node.id}\u0000${input.name}`);
      if (
        !connected &&
        input.parameter === undefined &&
        input.value === undefined &&
        input.default === undefined
      ) {
        problem(errors, path, `input '${input.name}' is not connected`, node.id);
      }
    });
  });

  for (const cycle of findCycles(spec)) {
    const names = cycle.nodes.map(n => `'${n}'`).join(' → ');
    problem(errors, `/edges/${cycle.edge}`, `is part of a cycle: ${names}`, cycle.nodes[0]);
  }
  return { spec, errors, warnings };
}

/** Errors only: what blocks compiling and running. */
export function validatePipeline(document: unknown, files: FileReader): IPipelineProblem[] {
  return checkPipeline(document, files).errors;
}

/** A schema error under `/nodes/N/…` names node N (when it has an id) and the field within it. */
function withNode(f: IPipelineProblem, nodes: { id?: unknown }[] | undefined): IPipelineProblem {
  const m = /^\/nodes\/(\d+)(?:\/(.*))?$/.exec(f.path);
  const id = m ? nodes?.[Number(m[1])]?.id : undefined;
  if (!m || typeof id !== 'string' || !id || m[2] === 'id') {
    return f;
  }
  const field = m[2] ? `${m[2]} ` : '';
  return { ...f, node: id, message: `node '${id}': ${field}${f.message}` };
}

/** The names a node can be read from: its outputs, plus the executed notebook of a notebook. */
export function outputsOf(node: IPipelineNode): string[] {
  const names = node.outputs.map(o => o.name);
  return node.kind === 'notebook' ? [...names, EXECUTED_NOTEBOOK] : names;
}

type Report = (path: string, message: string, warning?: boolean) => void;

function checkNode(
  node: IPipelineNode,
  i: number,
  spec: IPipelineSpec,
  files: FileReader,
  report: Report
) {
  const at = `/nodes/${i}`;
  const ports: [IPort[], string][] = [
    [node.inputs, 'inputs'],
    [node.outputs, 'outputs']
  ];
  const seen = new Set<string>();
  for (const [list, field] of ports) {
    list.forEach((port, j) => {
      const path = `${at}/${field}/${j}`;
      if ((port.type === undefined) === (port.artifact === undefined)) {
        report(
          path,
          `${field.slice(0, -1)} '${port.name}' needs either a parameter type or an artifact type`
        );
      }
      if (
        (node.kind === 'notebook' || node.kind === 'function') &&
        PYTHON_KEYWORDS.has(port.name)
      ) {
        report(
          `${path}/name`,
          `'${port.name}' is a Python keyword; ${node.kind} steps use input and output names as Python names`
        );
      }
      if (seen.has(port.name)) {
        report(`${path}/name`, `'${port.name}' names another input or output of this node`);
      }
      seen.add(port.name);
    });
  }
  if (node.kind === 'notebook' && seen.has(EXECUTED_NOTEBOOK)) {
    report(
      `${at}/outputs`,
      `'${EXECUTED_NOTEBOOK}' is the executed notebook, added to every notebook step`
    );
  }
  if (node.kind === 'function') {
    const ret = node.outputs.find(o => o.name === RETURN_OUTPUT);
    if (ret?.artifact) {
      report(
        `${at}/outputs`,
        `'${RETURN_OUTPUT}' is the function's return value: it must be a parameter`
      );
    }
  }

  if (node.kind === 'container') {
    if (!node.image) {
      report(`${at}/image`, 'a container step needs an image');
    }
    if (!node.command?.length) {
      report(`${at}/command`, 'a container step needs a command');
    }
    for (const field of ['file', 'function', 'dependencies'] as const) {
      if (node[field] !== undefined) {
        report(
          `${at}/${field}`,
          `a container step runs its image's own files; '${field}' is for notebook, script and function steps`
        );
      }
    }
    checkPlaceholders(node, at, report);
    return;
  }
  for (const field of ['command', 'args'] as const) {
    if (node[field] !== undefined) {
      report(`${at}/${field}`, `only container steps take a ${field}`);
    }
  }
  if (node.image && !/python/i.test(node.image)) {
    report(
      `${at}/image`,
      `image '${node.image}' may not have Python; ${node.kind} steps run with python3`,
      true
    );
  }
  if (node.kind !== 'function' && node.function !== undefined) {
    report(`${at}/function`, `only function steps name a function`);
  }
  if (!node.file) {
    report(`${at}/file`, `a ${node.kind} step needs a file`);
    return;
  }
  if (!FILE_EXTENSION[node.kind].test(node.file)) {
    report(
      `${at}/file`,
      `a ${node.kind} step runs a ${node.kind === 'notebook' ? '.ipynb' : '.py'} file`
    );
  }
  const text = files(normalizePath(node.file));
  if (text === undefined) {
    report(`${at}/file`, `file '${node.file}' does not exist`);
  } else if (node.kind === 'notebook') {
    checkNotebook(text, `${at}/file`, node.file, report);
  } else if (node.kind === 'function') {
    if (!node.function) {
      report(`${at}/function`, 'a function step names the function to run');
    } else if (!new RegExp(`^(async\\s+)?def\\s+${node.function}\\s*\\(`, 'm').test(text)) {
      report(`${at}/function`, `there is no function '${node.function}' in ${node.file}`);
    }
  }
  (node.dependencies ?? []).forEach((dep, j) => {
    if (files(normalizePath(dep)) === undefined) {
      report(`${at}/dependencies/${j}`, `file '${dep}' does not exist`);
    }
  });
  void spec;
}

function checkNotebook(text: string, path: string, file: string, report: Report) {
  let nb: { cells?: unknown };
  try {
    nb = JSON.parse(text);
  } catch {
    report(path, `${file} is not a notebook (not JSON)`);
    return;
  }
  if (!Array.isArray(nb?.cells)) {
    report(path, `${file} is not a notebook (no cells)`);
  }
}

/** `{{inputs.x}}` / `{{outputs.y}}` in a container's command and args must name its ports. */
function checkPlaceholders(node: IPipelineNode, at: string, report: Report) {
  const used = new Set<string>();
  for (const field of ['command', 'args'] as const) {
    (node[field] ?? []).forEach((arg, j) => {
      for (const ref of containerPlaceholders(arg)) {
        const list = ref.side === 'inputs' ? node.inputs : node.outputs;
        if (!list.some(p => p.name === ref.name)) {
          report(
            `${at}/${field}/${j}`,
            `'{{${ref.side}.${ref.name}}}' names no ${ref.side.slice(0, -1)} of this step`
          );
        }
        used.add(`${ref.side}.${ref.name}`);
      }
    });
  }
  node.outputs.forEach((o, j) => {
    if (!used.has(`outputs.${o.name}`)) {
      report(
        `${at}/outputs/${j}`,
        `output '${o.name}' is not used in the command or args ({{outputs.${o.name}}}): the step cannot write it`,
        true
      );
    }
  });
}

function checkInputBinding(
  input: INodeInput,
  path: string,
  params: Map<string, { type: ParameterType }>,
  report: (path: string, message: string) => void
) {
  if (input.parameter !== undefined && input.value !== undefined) {
    report(path, `input '${input.name}' is bound to a pipeline parameter and to a value; keep one`);
  }
  if (input.artifact) {
    for (const field of ['parameter', 'value', 'default'] as const) {
      if (input[field] !== undefined) {
        report(
          `${path}/${field}`,
          `input '${input.name}' is an artifact: it comes from another step's output only`
        );
      }
    }
    return;
  }
  if (!input.type) {
    return;
  }
  if (input.parameter !== undefined) {
    const param = params.get(input.parameter);
    if (!param) {
      report(`${path}/parameter`, `there is no pipeline parameter '${input.parameter}'`);
    } else if (param.type !== input.type) {
      report(
        `${path}/parameter`,
        `input '${input.name}' (${input.type}) cannot take pipeline parameter '${input.parameter}' (${param.type})`
      );
    }
  }
  for (const field of ['value', 'default'] as const) {
    if (input[field] !== undefined && !fitsType(input[field], input.type)) {
      report(`${path}/${field}`, `the ${field} of input '${input.name}' is not a ${input.type}`);
    }
  }
}

/** Each cycle once, as the node ids along it and the index of an edge that closes it. */
export function findCycles(spec: IPipelineSpec): { nodes: string[]; edge: number }[] {
  const out = new Map<string, { to: string; edge: number }[]>();
  spec.edges.forEach((e, i) => {
    const list = out.get(e.from.node) ?? [];
    list.push({ to: e.to.node, edge: i });
    out.set(e.from.node, list);
  });
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: { nodes: string[]; edge: number }[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    stack.push(id);
    for (const { to, edge } of out.get(id) ?? []) {
      if (state.get(to) === 'open') {
        cycles.push({ nodes: [...stack.slice(stack.indexOf(to)), to], edge });
      } else if (!state.has(to)) {
        visit(to);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const node of spec.nodes) {
    if (!state.has(node.id)) {
      visit(node.id);
    }
  }
  return cycles;
}
