"""`analyze(...)`: sliced model metrics computed by the workbench proxy's engine, shown in the notebook.

The result's mime bundle carries the whole result document under `application/vnd.kubeflow.slices+json`
(JupyterLab renders it as the slice browser, also after reload with no kernel) plus a static `text/html` table
so exported HTML and other frontends still read it.
"""

from __future__ import annotations

import base64
import html
import io
import os
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

MIME = "application/vnd.kubeflow.slices+json"
ANALYSIS_ROUTE = "/api/v1/analysis"
#: The proxy accepts analysis bodies up to 256 MiB; base64 adds a third, so leave room.
MAX_INLINE_BYTES = 180 * 1024 * 1024

Post = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]
Slice = Union[str, Mapping[str, Any]]


class AnalysisError(Exception):
    """The proxy refused the analysis (bad spec or bad data); the message names the column, the problem and the
    fix. Shown in a notebook as that message alone (IPython's `_render_traceback_`): the traceback would only
    walk through the workbench's own files."""

    def __init__(self, message: str, fields: Optional[Sequence[Mapping[str, str]]] = None):
        details = [f"  {f.get('path', '')}: {f.get('message', '')}" for f in fields or []
                   if f.get("message") and f.get("message") not in message]
        super().__init__("\n".join([message, *details]))
        self.fields = list(fields or [])

    def _render_traceback_(self) -> list:
        return [f"\x1b[0;31mAnalysisError: {line}\x1b[0m" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


def _columns(label, prediction, weights, baseline, slices: Iterable[Slice]) -> list:
    def features(item):
        if isinstance(item, str):
            return [item]
        if "cross" in item:
            return [f for part in item["cross"] for f in features(part)]
        return [item["feature"]]

    named = [label, prediction, weights, baseline] + [f for s in slices for f in features(s)]
    return list(dict.fromkeys(c for c in named if c))


def _arrow_base64(data, columns: list) -> str:
    import pyarrow as pa

    if isinstance(data, pa.Table):
        table = data
    else:
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise AnalysisError(_missing_column(missing[0], [str(c) for c in data.columns]))
        table = pa.Table.from_pandas(data[columns], preserve_index=False)
    table = table.select([c for c in columns if c in table.column_names])
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:  # uncompressed: the engine reads plain IPC
        writer.write_table(table)
    raw = sink.getvalue()
    if len(raw) > MAX_INLINE_BYTES:
        raise AnalysisError(
            f"the selected columns take {len(raw) / 2**20:.0f} MiB, more than can be sent inline "
            f"({MAX_INLINE_BYTES / 2**20:.0f} MiB): write them to a Parquet file under the Jupyter root "
            "(df.to_parquet('scores.parquet')) and call analyze('scores.parquet', …)"
        )
    return base64.b64encode(raw).decode("ascii")


def _missing_column(name: str, known: list) -> str:
    """One line: the column, the problem and the likely fix (the closest names, else what there is)."""
    import difflib

    lowered = {k.lower(): k for k in known}
    close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]
    if close:
        return f"column {name!r} is not in the DataFrame; did you mean {' or '.join(map(repr, close))}?"
    shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
    return f"column {name!r} is not in the DataFrame, which has {len(known)} columns: {shown}"


def _default_post() -> Post:
    """The kernel's proxy client (found through the proxy's runtime file); its errors carry the proxy's message."""
    try:
        from .runtime import ProxyClient
    except ImportError as error:
        raise AnalysisError(
            "the workbench proxy client (kubeflow_workbench.runtime) is not available in this kernel; "
            "pass post=… to analyze() or reinstall kubeflow-workbench"
        ) from error
    return ProxyClient().post


def analyze(
    data,
    label: str,
    prediction: str,
    slices: Sequence[Slice] = (),
    *,
    baseline: Optional[str] = None,
    weights: Optional[str] = None,
    threshold: float = 0.5,
    task: str = "binary",
    metrics: Optional[str] = None,
    thresholds: Optional[Sequence[float]] = None,
    min_slice_size: int = 30,
    max_distinct: int = 100,
    confidence: float = 0.95,
    bootstrap: Optional[Mapping[str, int]] = None,
    title: Optional[str] = None,
    post: Optional[Post] = None,
) -> "AnalysisResult":
    """Sliced metrics of `prediction` against `label` for a DataFrame, a pyarrow Table or a file path.

    Paths (CSV, Parquet, Arrow/Feather) are read by the proxy and must lie under the Jupyter root directory.
    `slices` items: a column name, `{"feature": col, "buckets": {"quantiles": 4}}` or `{"edges": [...]}`,
    or `{"cross": [col, col, ...]}`. `metrics="counts"` computes only the count-based metrics (accuracy, precision,
    recall, F1, selection rate, FPR and the threshold grid's counts): no sort by score (about half the time at 10 M rows).
    """
    slices = list(slices)
    if isinstance(data, (str, os.PathLike)):
        source = {"path": os.path.abspath(os.fspath(data))}
    elif hasattr(data, "columns") or type(data).__module__.startswith("pyarrow"):
        source = {"arrow": _arrow_base64(data, _columns(label, prediction, weights, baseline, slices))}
    else:
        raise TypeError(f"analyze() takes a pandas DataFrame, a pyarrow Table or a file path, not {type(data).__name__}")
    spec = {
        "source": source,
        "label": label,
        "prediction": prediction,
        "task": task,
        "slices": slices,
        "threshold": threshold,
        "minSliceSize": min_slice_size,
        "maxDistinct": max_distinct,
        "confidence": confidence,
    }
    optional = {"baseline": baseline, "weights": weights, "metrics": metrics, "thresholds": list(thresholds) if thresholds else None,
                "bootstrap": dict(bootstrap) if bootstrap else None, "title": title}
    spec.update({k: v for k, v in optional.items() if v is not None})
    answer = (post or _default_post())(ANALYSIS_ROUTE, spec)
    if "error" in answer:
        error = answer["error"]
        raise AnalysisError(error.get("message", "the analysis failed"), error.get("fields"))
    return AnalysisResult(dict(answer))


def _estimate(e: Optional[Mapping[str, Any]]) -> str:
    if not e or e.get("value") is None:
        return "–"
    text = f"{e['value']:.4g}"
    if e.get("lo") is not None and e.get("hi") is not None:
        text += f" [{e['lo']:.3g}, {e['hi']:.3g}]"
    return text


class AnalysisResult:
    """The result document, displayed as the slice browser (JupyterLab) or a static table (anywhere else)."""

    def __init__(self, document: Mapping[str, Any]):
        self.document = dict(document)

    @property
    def complete(self) -> bool:
        return bool(self.document.get("complete"))

    @property
    def warnings(self) -> list:
        return list(self.document.get("warnings", []))

    def rows(self) -> list:
        """Overall first, then every slice, as the document lists them."""
        return [self.document["overall"], *self.document.get("slices", [])]

    def to_frame(self):
        """One row per slice, one column per metric value (pandas)."""
        import pandas as pd

        records = []
        for s in self.rows():
            record = {"feature": s["feature"], "value": s["value"], "count": s["count"], "too_small": s["tooSmall"]}
            record.update({name: e.get("value") for name, e in s.get("metrics", {}).items()})
            records.append(record)
        return pd.DataFrame.from_records(records)

    def _metric_names(self) -> list:
        present = self.document["overall"].get("metrics", {})
        info = self.document.get("metricInfo", {})
        return sorted((m for m in info if m in present), key=lambda m: info[m].get("order", 0))

    def _repr_html_(self) -> str:
        esc = html.escape
        doc = self.document
        names = self._metric_names()
        info = doc.get("metricInfo", {})
        head = "".join(
            f"<th title='{esc(info.get(n, {}).get('label', n), quote=True)}'>{esc(info.get(n, {}).get('short', n))}</th>"
            for n in names
        )
        body = []
        for s in self.rows():
            flag = " (too small: metrics withheld)" if s.get("tooSmall") else ""
            cells = "".join(f"<td style='white-space:nowrap'>{esc(_estimate(s['metrics'].get(n)))}</td>" for n in names)
            body.append(
                f"<tr><td>{esc(str(s['feature']))}</td><td>{esc(str(s['value']))}{esc(flag)}</td>"
                f"<td style='text-align:right'>{s['count']:,}</td>{cells}</tr>"
            )
        notes = "".join(f"<li>{esc(w)}</li>" for w in self.warnings)
        status = "" if self.complete else "<p><strong>Incomplete result:</strong> some values were left out (see the notes).</p>"
        level = int(round(doc.get("spec", {}).get("confidence", 0.95) * 100))
        title = esc(doc.get("title") or "Sliced metrics")
        return (
            f"<div class='kf-slices-static'><h4>{title}</h4>{status}"
            f"<p>{doc.get('rows', 0):,} rows; task {esc(str(doc.get('task')))}; values with {level}% intervals.</p>"
            f"<table><thead><tr><th>Feature</th><th>Value</th><th>Count</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>"
        )

    def __repr__(self) -> str:
        doc = self.document
        names = self._metric_names()[:4]
        lines = [f"Sliced metrics ({doc.get('task')}, {doc.get('rows', 0):,} rows{'' if self.complete else ', INCOMPLETE'})"]
        for s in self.rows():
            metrics = ", ".join(f"{n}={_estimate(s['metrics'].get(n))}" for n in names) or "too small"
            lines.append(f"  {s['feature']}={s['value']} (n={s['count']}): {metrics}")
        lines += [f"  note: {w}" for w in self.warnings]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {MIME: self.document, "text/html": self._repr_html_(), "text/plain": repr(self)}
