/**
 * The commands in the IR really run: each step of the demo pipeline (notebook, script with a dependency,
 * Python function, shell container) executed from the compiled IR with a local python as `python3`,
 * outputs handed from step to step through a kfp.local-style task layout.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IPipelineSpec } from '../../contract/pipeline';
import { EXAMPLES, folderReader, mapReader, readJson } from './files';
import { kfpPython, recordingCompiler, serverProblems } from './kfp';
import { runTask } from './run-step';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A python without kfp, whatever is installed (`-S`: no site-packages), so the shim's stand-in for `kfp.dsl`
 * is what runs …
 */
const PLAIN_PYTHON = join(mkdtempSync(join(tmpdir(), 'kfwb-python-')), 'python3');
writeFileSync(PLAIN_PYTHON, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });

// nbclient colours tracebacks.
const ANSI_COLOURS = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');

const recorder = recordingCompiler();
const compile = recorder.compile;
// Every IR run here is also one KFP's server would accept.
afterAll(() => expect(serverProblems(recorder.emitted)).toEqual({}));

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfwb-shim-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (path: string) => readFileSync(path, 'utf8');

describe('the demo pipeline, step by step from its IR', () => {
  const { ir } = compile(readJson(`${EXAMPLES}/demo.kfpipeline`), folderReader(EXAMPLES));

  it('runs notebook → script ∥ function → container, passing parameters and artifacts', () => {
    // … and the kfp venv's python, which has nbclient and ipykernel, for the notebook.
    const generate = runTask(ir, 'generate', { parameters: { rows: 7 } }, root, kfpPython());
    expect(generate.stderr).not.toMatch(/Traceback/);
    expect(generate.status).toBe(0);
    expect(generate.stdout).toContain('wrote 7 rows');
    const csv = read(generate.outputs.data).trim().split('\n');
    expect(csv).toHaveLength(8);

    const executed = JSON.parse(read(generate.outputs.executed_notebook));
    const tags = executed.cells.map((c: Json) => c.metadata.tags?.[0] ?? '-');
    expect(tags).toEqual(['-', 'parameters', 'injected-parameters', '-']);
    expect([executed.cells[2].source].flat().join('')).toContain('rows = 7\n');
    expect([executed.cells[3].outputs[0].text].flat().join('')).toContain('wrote 7 rows');

    const stats = runTask(
      ir,
      'stats',
      { artifacts: { data: generate.outputs.data } },
      root,
      PLAIN_PYTHON
    );
    expect(stats.stderr).toBe('');
    expect(stats.status).toBe(0);
    expect(read(stats.outputs.count)).toBe('7');
    expect(JSON.parse(read(stats.executorOutput))).toEqual({
      parameterValues: { count: 7 },
      artifacts: {}
    });

    const train = runTask(
      ir,
      'train',
      { parameters: { scale: 2.0 }, artifacts: { data: generate.outputs.data } },
      root,
      PLAIN_PYTHON
    );
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    // mean of 0..6 = 3, scaled by 2
    expect(Number(read(train.outputs.Output))).toBe(6);
    expect(JSON.parse(read(train.outputs.model))).toEqual({ scale: 2, mean: 3 });
    const trainOutput = JSON.parse(read(train.executorOutput));
    expect(trainOutput.parameterValues).toEqual({ Output: 6 });
    expect(trainOutput.artifacts.model.artifacts[0].uri).toBe(train.outputs.model);

    const report = runTask(
      ir,
      'report',
      { parameters: { count: 7, score: 6.0 } },
      root,
      PLAIN_PYTHON
    );
    expect(report.status).toBe(0);
    expect(read(report.outputs.report)).toBe('# Report\n\nrows: 7\nscore: 6\n');
  });
});

describe('the step shim', () => {
  const doc = (node: Partial<IPipelineSpec['nodes'][0]>): IPipelineSpec => ({
    version: 1,
    name: 'shim',
    parameters: [],
    nodes: [
      {
        id: 'step',
        kind: 'function',
        file: 'f.py',
        function: 'f',
        inputs: [],
        outputs: [],
        ...node
      }
    ],
    edges: []
  });

  it('gives Input[...]/Output[...] arguments artifact objects, with and without kfp installed', () => {
    const source = [
      'from kfp import dsl',
      'from kfp.dsl import Input, Output, Dataset, Model',
      '',
      '@dsl.component(base_image="python:3.11")',
      'def f(data: Input[Dataset], model: Output[Model], name: str, size: int = 2) -> str:',
      '    with open(data.path) as src, open(model.path, "w") as dst:',
      '        dst.write(src.read() * size)',
      '    model.metadata["by"] = name',
      '    return name.upper()',
      ''
    ].join('\n');
    const withProducer = doc({
      inputs: [
        { name: 'data', artifact: 'system.Dataset' },
        { name: 'name', type: 'STRING', value: 'x' },
        { name: 'size', type: 'NUMBER_INTEGER', default: 2 }
      ],
      outputs: [
        { name: 'model', artifact: 'system.Model' },
        { name: 'Output', type: 'STRING' }
      ]
    });
    withProducer.nodes.push({
      id: 'src',
      kind: 'script',
      file: 's.py',
      inputs: [],
      outputs: [{ name: 'data', artifact: 'system.Dataset' }]
    });
    withProducer.edges.push({
      from: { node: 'src', output: 'data' },
      to: { node: 'step', input: 'data' }
    });
    const { ir } = compile(withProducer, mapReader({ 'f.py': source, 's.py': '' }));
    const input = join(root, 'in.txt');
    writeFileSync(input, 'ab');
    for (const python of [PLAIN_PYTHON, kfpPython()]) {
      const run = runTask(
        ir,
        'step',
        { parameters: { name: 'w', size: 3 }, artifacts: { data: input } },
        join(root, python.length.toString()),
        python
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(read(run.outputs.model)).toBe('ababab');
      expect(read(run.outputs.Output)).toBe('W');
      expect(JSON.parse(read(run.executorOutput)).artifacts.model.artifacts[0].metadata).toEqual({
        by: 'w'
      });
    }
  });

  it('lays out files from above the pipeline folder and runs the step in its file’s folder', () => {
    const { ir } = compile(
      doc({
        kind: 'script',
        file: 'jobs/run.py',
        function: undefined,
        dependencies: ['../shared/util.py'],
        outputs: [{ name: 'where', type: 'STRING' }]
      }),
      mapReader({
        'jobs/run.py': [
          'import argparse, os, sys',
          'sys.path.insert(0, os.path.join("..", "..", "shared"))',
          'import util',
          'p = argparse.ArgumentParser(); p.add_argument("--where"); a = p.parse_args()',
          'open(a.where, "w").write(util.NAME + ":" + os.path.basename(os.getcwd()))'
        ].join('\n'),
        '../shared/util.py': 'NAME = "shared"\n'
      })
    );
    const run = runTask(ir, 'step', {}, root, PLAIN_PYTHON);
    expect(run.stderr).toBe('');
    expect(read(run.outputs.where)).toBe('shared:jobs');
  });

  it('fails with the exit code, the traceback and no executor output when the code raises', () => {
    const { ir } = compile(
      doc({ outputs: [{ name: 'Output', type: 'NUMBER_INTEGER' }] }),
      mapReader({
        'f.py': 'def f() -> int:\n    raise ValueError("bad input")\n'
      })
    );
    const run = runTask(ir, 'step', {}, root, PLAIN_PYTHON);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Traceback[\s\S]*ValueError: bad input/);
    expect(existsSync(run.executorOutput)).toBe(false);
  });

  it('names an output parameter a script did not write', () => {
    const { ir } = compile(
      doc({
        kind: 'script',
        file: 's.py',
        function: undefined,
        outputs: [{ name: 'score', type: 'NUMBER_DOUBLE' }]
      }),
      mapReader({ 's.py': 'print("forgot")\n' })
    );
    const run = runTask(ir, 'step', {}, root, PLAIN_PYTHON);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('forgot\n');
    expect(run.stderr).toMatch(/output parameter 'score' was not written/);
  });

  it('keeps the executed notebook when a cell fails, parameters injected at the top without a parameters cell', () => {
    const notebook = {
      cells: [
        {
          cell_type: 'code',
          metadata: {},
          source: 'print("limit", limit)',
          outputs: [],
          execution_count: null
        },
        {
          cell_type: 'code',
          metadata: {},
          source: 'raise RuntimeError("cell failed")',
          outputs: [],
          execution_count: null
        }
      ],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5
    };
    const { ir } = compile(
      doc({
        kind: 'notebook',
        file: 'n.ipynb',
        function: undefined,
        inputs: [{ name: 'limit', type: 'NUMBER_INTEGER', default: 5 }]
      }),
      mapReader({ 'n.ipynb': JSON.stringify(notebook) })
    );
    // No value passed for 'limit': the shim falls back to the input's default.
    const run = runTask(ir, 'step', {}, root, kfpPython());
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('limit 5');
    expect(run.stderr).not.toMatch(/Warning/);
    expect(run.stderr.replace(ANSI_COLOURS, '')).toContain('RuntimeError: cell failed');
    const executed = JSON.parse(read(run.outputs.executed_notebook));
    expect(executed.cells[0].metadata.tags).toEqual(['injected-parameters']);
    expect(executed.cells[2].outputs[0]).toMatchObject({
      output_type: 'error',
      ename: 'RuntimeError'
    });
  });

  it('passes a script its non-zero exit code', () => {
    const { ir } = compile(
      doc({ kind: 'script', file: 's.py', function: undefined }),
      mapReader({ 's.py': 'import sys\nsys.exit(3)\n' })
    );
    expect(runTask(ir, 'step', {}, root, PLAIN_PYTHON).status).toBe(3);
  });
});
