"""The stand-in's database: in-memory tables and KFP's list semantics (filter, sort, page tokens)."""

import base64
import json
import threading
import time
import uuid

from .errors import invalid_input

# Filterable/sortable keys per resource, from the *APIToModelFieldMap tables (backend/src/apiserver/model/).
KEYS = {
    "experiments": {"experiment_id", "display_name", "created_at", "last_run_created_at", "description",
                    "namespace", "storage_state"},
    "pipelines": {"pipeline_id", "name", "display_name", "created_at", "description", "namespace"},
    "versions": {"pipeline_version_id", "pipeline_id", "name", "display_name", "created_at", "description"},
    "runs": {"run_id", "display_name", "created_at", "finished_at", "description", "scheduled_at",
             "storage_state", "namespace", "experiment_id", "state", "recurring_run_id"},
}
# v1beta1 aliases the server still accepts in filters.
ALIASES = {
    "experiments": {"id": "experiment_id", "name": "display_name"},
    "pipelines": {"id": "pipeline_id"},
    "versions": {"id": "pipeline_version_id"},
    "runs": {"id": "run_id", "name": "display_name"},
}
TIME_KEYS = {"created_at", "finished_at", "scheduled_at", "last_run_created_at"}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
OPERATIONS = ["OPERATION_UNSPECIFIED", "EQUALS", "NOT_EQUALS", "GREATER_THAN", "GREATER_THAN_EQUALS",
              "LESS_THAN", "LESS_THAN_EQUALS", "IN", "IS_SUBSTRING"]


def now() -> int:
    return int(time.time())


def new_id() -> str:
    return str(uuid.uuid4())


class Store:
    """All tables behind one lock; rows are plain dicts holding the model fields (times in seconds)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.experiments: dict[str, dict] = {}
        self.pipelines: dict[str, dict] = {}
        self.versions: dict[str, dict] = {}
        self.runs: dict[str, dict] = {}
        # run id → {pod name (node id) → task row}: CreateOrUpdateTasks keys tasks by pod name.
        self.tasks: dict[str, dict[str, dict]] = {}
        # Insertion order, for ties of creation times (seconds).
        self.sequence = 0


def _value(pred: dict):
    for key in ("string_value", "int_value", "long_value", "timestamp_value"):
        if key in pred:
            v = pred[key]
            if key == "timestamp_value":
                from .wire import parse_time

                return parse_time(v)
            if key == "long_value":
                return int(v)
            return v
    for key in ("string_values", "int_values", "long_values"):
        if key in pred:
            values = pred[key].get("values", [])
            return [int(v) for v in values] if key == "long_values" else values
    return None


def _normalise_filter(raw: str) -> list[dict]:
    """The filter query parameter: a JSON Filter, camelCase value keys accepted (transformJSONForBackwardCompatibility)."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise invalid_input(f"failed to parse valid filter from {raw!r}: {e}")
    preds = []
    for p in data.get("predicates", []) or []:
        q = {}
        for k, v in p.items():
            snake = "".join("_" + c.lower() if c.isupper() else c for c in k)
            q[snake] = v
        op = q.get("operation", "OPERATION_UNSPECIFIED")
        if isinstance(op, int) and 0 <= op < len(OPERATIONS):
            op = OPERATIONS[op]
        if op not in OPERATIONS[1:]:
            raise invalid_input(f"invalid filter operation {op!r}")
        q["operation"] = op
        preds.append(q)
    return preds


def _match(row_value, op: str, want) -> bool:
    if op == "EQUALS":
        return row_value == want
    if op == "NOT_EQUALS":
        return row_value != want
    if op == "IN":
        return row_value in (want or [])
    if op == "IS_SUBSTRING":
        return isinstance(row_value, str) and isinstance(want, str) and want in row_value
    try:
        if op == "GREATER_THAN":
            return row_value > want
        if op == "GREATER_THAN_EQUALS":
            return row_value >= want
        if op == "LESS_THAN":
            return row_value < want
        if op == "LESS_THAN_EQUALS":
            return row_value <= want
    except TypeError:
        return False
    return False


def list_rows(kind: str, rows: list[dict], query: dict, id_key: str) -> tuple[list[dict], int, str]:
    """Filters, sorts and pages `rows` the way the server's list.Options do.

    The page token is opaque to clients; like KFP's it carries the sort key, the last row's key values and the
    filter, so a page request ignores a changed filter/sort_by in favour of the token's.
    """
    keys = KEYS[kind]
    aliases = ALIASES[kind]
    token = query.get("page_token", "")
    if token:
        try:
            state = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise invalid_input("Invalid input error: Invalid package token")
        sort_key, desc, preds, offset = state["sort_key"], state["desc"], state["preds"], state["offset"]
    else:
        sort_by = query.get("sort_by", "").strip().lower()
        sort_key, desc = "created_at", False
        if sort_by:
            parts = sort_by.split()
            if len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("asc", "desc")):
                raise invalid_input(f"Received invalid sort by format {sort_by!r}. Supported format: \"field_name\", "
                                    "\"field_name desc\", or \"field_name asc\"")
            sort_key = aliases.get(parts[0], parts[0])
            if sort_key not in keys:
                raise invalid_input(f"Invalid sorting field: {parts[0]!r} on listable type")
            desc = len(parts) == 2 and parts[1] == "desc"
        preds = _normalise_filter(query["filter"]) if query.get("filter") else []
        offset = 0
    for p in preds:
        key = aliases.get(p.get("key", ""), p.get("key", ""))
        if key not in keys:
            raise invalid_input(f"Invalid filter key: {p.get('key')!r} on listable type")
        p["key"] = key
    selected = [r for r in rows if all(_match(r.get(p["key"]), p["operation"], _value(p)) for p in preds)]
    selected.sort(key=lambda r: (r.get(sort_key) is None, r.get(sort_key), r[id_key]), reverse=desc)
    try:
        size = int(query.get("page_size") or DEFAULT_PAGE_SIZE)
    except ValueError:
        raise invalid_input("page_size must be an integer")
    if size < 0:
        raise invalid_input("The page size should be greater than 0. Got " + str(size))
    size = min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    page = selected[offset: offset + size]
    next_token = ""
    if offset + size < len(selected):
        state = {"sort_key": sort_key, "desc": desc, "preds": preds, "offset": offset + size}
        next_token = base64.urlsafe_b64encode(json.dumps(state).encode()).decode()
    return page, len(selected), next_token
