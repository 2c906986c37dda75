/**
 * toYaml writes the text kfp writes: for the reference IRs and ours, our YAML equals kfp's own writer's output
 * (its header function and PyYAML) line for line, except multi-line strings, which we keep as literal blocks.
 */
import { IPipelineSpec } from '../../contract/pipeline';
import { compile } from '../compile';
import { toYaml } from '../yaml';
import { EXAMPLES, folderReader, readJson } from './files';
import { kfpYaml, referenceIrs } from './kfp';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Multi-line commands (Python steps) replaced by one line, on a copy. */
function singleLine(ir: Json): Json {
  const copy = JSON.parse(JSON.stringify(ir));
  for (const executor of Object.values<Json>(copy.deploymentSpec.executors)) {
    const c = executor.container;
    c.command = c.command.map((s: string) => (s.includes('\n') ? 'multi-line' : s));
  }
  return copy;
}

it('writes what kfp writes for the reference pipelines and the demo', () => {
  const items: Record<string, { ir: Json; platformSpec?: Json }> = {};
  for (const [name, { ir }] of Object.entries(referenceIrs())) {
    items[name] = { ir: singleLine(ir) };
  }
  const demo = readJson<IPipelineSpec>(`${EXAMPLES}/demo.kfpipeline`);
  demo.nodes[1].timeoutSeconds = 90;
  const ours = compile(demo, folderReader(EXAMPLES));
  items.demo = { ir: singleLine(ours.ir), platformSpec: ours.platformSpec };
  const theirs = kfpYaml(items);
  for (const [name, item] of Object.entries(items)) {
    expect([name, toYaml(item.ir, item.platformSpec)]).toEqual([name, theirs[name]]);
  }
});
