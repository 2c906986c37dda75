"""Pipeline IR checks, as the API server makes them (backend/src/apiserver/template/, kfp 2.17.0).

At upload: template.New infers the format (a YAML document that parses strictly as a PipelineSpec with a name
and a root makes it v2; otherwise "unknown template format"), NewV2SpecTemplate then checks the schema version,
the name and the root, and CreatePipelineAndPipelineVersion applies common.ValidatePipelineName. The parser is
protobuf's own (`json_format.ParseDict`, strict like Go's protojson.Unmarshal) on kfp-pipeline-spec's messages.
At CreateRun: validatePipelineJobInputs checks the runtime parameters against root.inputDefinitions.
"""

import json
import re

import yaml
from google.protobuf import json_format, struct_pb2
from kfp.pipeline_spec import pipeline_spec_pb2

from .errors import invalid_input, invalid_input_with_details

SCHEMA_VERSION = "2.1.0"
INVALID_SPEC = "pipeline spec is invalid"
INVALID_PLATFORM_SPEC = "platform spec is invalid"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")
# NewV2SpecTemplate's own check is unanchored (so it only needs one lowercase alphanumeric character).
LOOSE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


class _Loader(yaml.SafeLoader):
    """YAML as Go decodes it into map[string]interface{}: timestamps stay strings."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


class PipelineTemplate:
    """A validated v2 template: the PipelineSpec (as JSON) and the optional PlatformSpec."""

    def __init__(self, spec: dict, platform_spec: dict | None, message: pipeline_spec_pb2.PipelineSpec):
        self.spec = spec
        self.platform_spec = platform_spec
        self.message = message

    @property
    def name(self) -> str:
        return self.message.pipeline_info.name

    def parameters_json(self) -> str:
        """What the server stores as the version's parameters (shown by the v1 API only)."""
        params = self.message.root.input_definitions.parameters
        return json.dumps([{"name": n} for n in sorted(params)])


def _strict_spec(doc) -> pipeline_spec_pb2.PipelineSpec | None:
    """template.isPipelineSpec: strict parse, plus a name and a root."""
    try:
        msg = json_format.ParseDict(doc, pipeline_spec_pb2.PipelineSpec())
    except (json_format.ParseError, TypeError, ValueError, AttributeError):
        return None
    if not msg.pipeline_info.name or not msg.HasField("root"):
        return None
    return msg


def _documents(text: bytes) -> list:
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError:
        # template.New infers the format before NewV2SpecTemplate decodes it: undecodable YAML is no known format.
        raise invalid_input_with_details(INVALID_SPEC, "unknown template format")
    return [d for d in docs if d is not None]


def _platform_doc(doc) -> dict | None:
    try:
        msg = json_format.ParseDict(doc, pipeline_spec_pb2.PlatformSpec())
    except (json_format.ParseError, TypeError, ValueError, AttributeError):
        return None
    return doc if "kubernetes" in msg.platforms else None


def new_template(text: bytes) -> PipelineTemplate:
    """template.New + NewV2SpecTemplate. Raises KfpError (InvalidArgument) with the server's messages."""
    docs = _documents(text) if text else []
    if not any(isinstance(d, dict) and _strict_spec(d) for d in docs):
        if any(isinstance(d, dict) and str(d.get("apiVersion", "")).startswith("argoproj.io") for d in docs):
            raise invalid_input_with_details(INVALID_SPEC, "v1 (Argo workflow) pipelines are not modelled")
        raise invalid_input_with_details(INVALID_SPEC, "unknown template format")
    spec = platform = message = None
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        msg = _strict_spec(doc)
        if msg is not None:
            if message is not None:
                raise invalid_input_with_details(INVALID_SPEC, "multiple pipeline specs provided")
            if msg.schema_version != SCHEMA_VERSION:
                raise invalid_input_with_details(
                    INVALID_SPEC,
                    f"KFP only supports schema version 2.1.0, but the pipeline spec has version {msg.schema_version}",
                )
            if not LOOSE_NAME.search(msg.pipeline_info.name):
                raise invalid_input_with_details(
                    INVALID_SPEC,
                    "invalid v2 pipeline spec: name should consist of lower case alphanumeric characters, '-' or '.', "
                    "and must start and end with an alphanumeric character",
                )
            spec, message = doc, msg
        elif _platform_doc(doc) is not None:
            if platform is not None:
                raise invalid_input_with_details(INVALID_PLATFORM_SPEC, "multiple platform specs provided")
            platform = doc
    validate_pipeline_name(message.pipeline_info.name)
    return PipelineTemplate(spec, platform, message)


def validate_pipeline_name(name: str) -> None:
    """common.ValidatePipelineName (the name must also be a valid MLMD context name)."""
    if not name:
        raise invalid_input("pipeline's name cannot be empty")
    if len(name) > 128:
        raise invalid_input("pipeline's name must contain no more than 128 characters")
    if not NAME_PATTERN.match(name):
        raise invalid_input(
            "pipeline's name must contain only lowercase alphanumeric characters or '-' and must start with "
            "alphanumeric characters"
        )


def template_from_struct(pipeline_spec: dict, platform_spec: dict | None = None) -> PipelineTemplate:
    """An inline run's pipeline_spec (the SDK may wrap it as {pipeline_spec, platform_spec})."""
    docs = [pipeline_spec] + ([platform_spec] if platform_spec else [])
    return new_template(yaml.safe_dump_all(docs).encode())


_KIND = {
    "NUMBER_DOUBLE": ("double or integer", "number value", (int, float)),
    "NUMBER_INTEGER": ("double or integer", "number value", (int, float)),
    "STRING": ("string", "string value", (str,)),
    "BOOLEAN": ("bool", "bool value", (bool,)),
    "LIST": ("list", "list value", (list,)),
    "STRUCT": ("struct", "struct value", (dict,)),
}


def validate_job_inputs(template: PipelineTemplate, parameters: dict | None) -> None:
    """V2Spec.validatePipelineJobInputs (the error is wrapped by the caller)."""
    declared = template.message.root.input_definitions.parameters
    if parameters is None:
        if declared:
            raise invalid_input(
                "pipeline requiring input has no parameter(s) provided. Need parameter(s): " + ", ".join(declared)
            )
        return
    for name, spec in declared.items():
        if name not in parameters:
            if not spec.is_optional and not spec.HasField("default_value"):
                raise invalid_input(
                    f"parameter {name} is not optional, yet has neither default value nor user provided value"
                )
            continue
        value = parameters[name]
        type_name = pipeline_spec_pb2.ParameterType.ParameterTypeEnum.Name(spec.parameter_type)
        if type_name == "PARAMETER_TYPE_ENUM_UNSPECIFIED":
            raise invalid_input(f"input parameter {name} has unspecified type")
        if type_name == "TASK_FINAL_STATUS":
            raise invalid_input(
                f"input parameter {name} requires type TASK_FINAL_STATUS, which is invalid for root component"
            )
        wanted, kind, types = _KIND[type_name]
        ok = isinstance(value, types) and not (type_name.startswith("NUMBER") and isinstance(value, bool))
        if not ok:
            noun = "parameter value" if type_name.startswith("NUMBER") else "input parameter"
            raise invalid_input(
                f"input parameter {name} requires type {wanted}, but the {noun} is not of {kind} type"
            )
        literals = [json_format.MessageToDict(v) for v in spec.literals]
        if literals and value not in literals:
            raise invalid_input(f"input parameter {name} has value {json.dumps(value)} not in the allowed literals")
    extra = [n for n in parameters if n not in declared]
    if extra:
        raise invalid_input("parameter(s) provided are not required by pipeline: " + ", ".join(extra))


def to_value(v) -> struct_pb2.Value:
    return json_format.ParseDict(v, struct_pb2.Value())
