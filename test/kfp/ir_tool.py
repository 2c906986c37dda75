"""IR fidelity helper, run in the kfp venv (test/kfp/venv.sh).

  ir_tool.py check FILE       FILE = JSON {name: {"ir": {...}, "platformSpec": {...}?}}; prints {name: [problems]}
                              after the KFP API server's upload checks: strict protobuf parse (unknown fields
                              refused), schemaVersion 2.1.0, pipelineInfo.name pattern, root present.
  ir_tool.py reference        prints {name: ir} for the reference pipelines compiled by kfp's own compiler.
  ir_tool.py nest FILE        FILE = JSON {name: yaml text}; loads each with kfp.components.load_component_from_text,
                              uses it as one task of an outer kfp pipeline, compiles that with kfp; prints {name:
                              {"components": [...], "problems": [...]}} (the outer IR through check()).
  ir_tool.py yaml FILE        FILE = JSON {name: {"ir", "platformSpec"?}}; prints {name: text} as kfp writes a compiled file (its header
                              and PyYAML with sorted keys).
"""
import json
import re
import sys
import tempfile
import warnings

import yaml
from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")


def check(ir, platform_spec):
    problems = []
    try:
        spec = json_format.ParseDict(ir, pipeline_spec_pb2.PipelineSpec())
    except json_format.ParseError as e:
        return ["invalid v2 pipeline spec: " + str(e)]
    if spec.schema_version != "2.1.0":
        problems.append("schemaVersion must be 2.1.0, not " + spec.schema_version)
    if not NAME.match(spec.pipeline_info.name):
        problems.append("pipelineInfo.name does not match " + NAME.pattern)
    if not spec.HasField("root"):
        problems.append("root is missing")
    # Every task refers to a component, every container component to an executor (DAG components have none).
    for task_name, task in spec.root.dag.tasks.items():
        component = spec.components.get(task.component_ref.name)
        if component is None:
            problems.append("task " + task_name + " refers to a missing component")
        elif component.executor_label and (
            component.executor_label not in spec.deployment_spec.fields["executors"].struct_value.fields
        ):
            problems.append("component " + task.component_ref.name + " refers to a missing executor")
    if platform_spec is not None:
        try:
            json_format.ParseDict(platform_spec, pipeline_spec_pb2.PlatformSpec())
        except json_format.ParseError as e:
            problems.append("invalid platform spec: " + str(e))
    return problems


def reference():
    from reference_pipelines import PIPELINES
    from kfp import compiler

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, pipeline in PIPELINES.items():
            path = tmp + "/" + name + ".yaml"
            compiler.Compiler().compile(pipeline, path)
            with open(path) as f:
                docs = list(yaml.safe_load_all(f))
            out[name] = {"ir": docs[0], "platformSpec": docs[1] if len(docs) > 1 else None}
    return out


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    if sys.argv[1] == "check":
        with open(sys.argv[2]) as f:
            items = json.load(f)
        print(json.dumps({k: check(v["ir"], v.get("platformSpec")) for k, v in items.items()}))
    elif sys.argv[1] == "nest":
        from kfp import compiler, components, dsl

        with open(sys.argv[2]) as f:
            items = json.load(f)
        out = {}
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in items.items():
                inner = components.load_component_from_text(text)

                @dsl.pipeline(name="outer")
                def outer():
                    inner()

                compiler.Compiler().compile(outer, tmp + "/outer.yaml")
                with open(tmp + "/outer.yaml") as f:
                    docs = list(yaml.safe_load_all(f))
                out[name] = {
                    "components": sorted(docs[0]["components"]),
                    "problems": check(docs[0], docs[1] if len(docs) > 1 else None),
                }
        print(json.dumps(out))
    elif sys.argv[1] == "yaml":
        from kfp.compiler.pipeline_spec_builder import extract_comments_from_pipeline_spec

        with open(sys.argv[2]) as f:
            items = json.load(f)
        texts = {}
        for name, item in items.items():
            # Through the protobuf message and back, as kfp writes a compiled file.
            ir = json_format.MessageToDict(json_format.ParseDict(item["ir"], pipeline_spec_pb2.PipelineSpec()))
            header = extract_comments_from_pipeline_spec(ir, ir["pipelineInfo"].get("description", ""))
            docs = [ir]
            if item.get("platformSpec"):
                platform = pipeline_spec_pb2.PlatformSpec()
                docs.append(json_format.MessageToDict(json_format.ParseDict(item["platformSpec"], platform)))
            texts[name] = header + yaml.dump_all(docs, sort_keys=True)
        print(json.dumps(texts))
    elif sys.argv[1] == "reference":
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        print(json.dumps(reference()))
    else:
        sys.exit("usage: ir_tool.py check FILE | reference | yaml FILE | nest FILE")
