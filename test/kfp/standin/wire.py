"""The JSON wire format of KFP's grpc-gateway: strict request parsing and proto-style response values.

Request bodies are checked against the swagger's models as shipped in the `kfp-server-api` package (generated
from the same kfp_api_single_file.swagger.json the server is built with): an unknown field is refused, as
protojson does with DiscardUnknown=false. Like protojson, both the proto name (snake_case) and its lowerCamel
JSON name are accepted; responses always use proto names (UseProtoNames) and omit unset fields.
"""

import datetime
import re

import kfp_server_api

from .errors import KfpError, INVALID_ARGUMENT


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _bad(path: str, message: str) -> KfpError:
    # grpc-gateway's unmarshal failure: InvalidArgument with protojson's message.
    text = f"proto: ({path}): {message}" if path else f"proto: {message}"
    return KfpError(INVALID_ARGUMENT, text, text)


def parse(data, model: str, path: str = ""):
    """Checks `data` against swagger model `model`; returns it with snake_case keys."""
    if model == "object":  # google.protobuf.Struct / Value: anything JSON
        return data
    if model in ("str",):
        if not isinstance(data, str):
            raise _bad(path, f"invalid value for string field: {data!r}")
        return data
    if model in ("int",):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            raise _bad(path, f"invalid value for int field: {data!r}")
        return int(data)
    if model == "bool":
        if not isinstance(data, bool):
            raise _bad(path, f"invalid value for bool field: {data!r}")
        return data
    if model == "datetime":
        if not isinstance(data, str):
            raise _bad(path, f"invalid google.protobuf.Timestamp value {data!r}")
        return data
    m = re.fullmatch(r"list\[(.+)\]", model)
    if m:
        if not isinstance(data, list):
            raise _bad(path, f"invalid value for list field: {data!r}")
        return [parse(v, m.group(1), f"{path}[{i}]") for i, v in enumerate(data)]
    m = re.fullmatch(r"dict\(str, (.+)\)", model)
    if m:
        if not isinstance(data, dict):
            raise _bad(path, f"invalid value for map field: {data!r}")
        return {k: parse(v, m.group(1), f"{path}[{k}]") for k, v in data.items()}
    cls = getattr(kfp_server_api, model, None)
    if cls is None:
        return data
    if hasattr(cls, "allowable_values"):  # an enum: its name, or its number
        values = cls.allowable_values
        if isinstance(data, int) and not isinstance(data, bool) and 0 <= data < len(values):
            return values[data]
        if data not in values:
            raise _bad(path, f"invalid value for enum field: {data!r}")
        return data
    if not isinstance(data, dict):
        raise _bad(path, f"invalid value for message field: {data!r}")
    fields = cls.openapi_types
    by_json = {f: f for f in fields} | {_camel(f): f for f in fields}
    out = {}
    for key, value in data.items():
        name = by_json.get(key)
        if name is None:
            raise _bad(path, f'unknown field "{key}"')
        if value is None:
            continue
        out[name] = parse(value, fields[name], f"{path}.{name}" if path else name)
    return out


def timestamp(seconds: int) -> str:
    """A google.protobuf.Timestamp with whole seconds, as protojson writes it."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> int:
    """Seconds since the epoch from an RFC 3339 time as Kubernetes writes it ('' → 0)."""
    if not text:
        return 0
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


# google.protobuf.Struct/Value fields: emitted as they are (a parameter may well be 0, "" or false).
STRUCT_FIELDS = {"parameters", "pipeline_spec", "platform_spec", "plugins_input"}


def compact(obj):
    """Drops unset fields (None, '', 0, false, empty lists and maps), like protojson with EmitUnpopulated=false."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k not in STRUCT_FIELDS:
                v = compact(v)
            if v is None or v == "" or v == [] or v == {} or v is False or (type(v) is int and v == 0):
                continue
            out[k] = v
        return out
    if isinstance(obj, list):
        return [compact(v) for v in obj]
    return obj
