/**
 * The program every notebook, script and function step runs: `python3 -c SHIM <kind> <file> <function>
 * <chunks> <payload…> --executor_input {{$}} [--function_to_execute NAME]`. It needs only a Python interpreter
 * (plus nbclient and ipykernel for notebooks): no pip install at run time, unlike kfp's
 * `kfp.dsl.executor_main`, which must be installed into the image first.
 *
 * The payload (zlib + base64, split into chunks below Linux's 128 KiB per-argument limit) holds the user's files
 * and the step's port types. The shim honours KFP's executor contract: it reads the ExecutorInput, maps artifact
 * URIs to local paths the way kfp does (`gs://` → `/gcs/`, …), runs the user's code, writes each output
 * parameter to its `outputFile` and an ExecutorOutput JSON to `outputs.outputFile`.
 *
 * How values reach user code:
 * - script: `sys.argv` = `[file, --name, value…]`; input artifacts, output artifacts and output parameters are
 *   paths (an output parameter is written to its path as text);
 * - notebook: the same names become variables in an `injected-parameters` cell placed after the cell tagged
 *   `parameters` (papermill's convention); the executed notebook is the output artifact `executed_notebook`;
 * - function: keyword arguments (kfp's lightweight-component convention): parameters as values, artifacts as
 *   paths (`InputPath`/`OutputPath`) or, for `Input[...]`/`Output[...]` annotations, objects with `.path`,
 *   `.uri`, `.metadata`; the return value is the output `Output` (a dict or NamedTuple fills several outputs).
 *
 * Plain Python without `${` or backticks, so it can live in this template literal.
 */
export const STEP_SHIM = String.raw`import base64, inspect, json, os, runpy, sys, tempfile, traceback, types, zlib

PREFIXES = (("gs://", "/gcs/"), ("minio://", "/minio/"), ("s3://", "/s3/"), ("oci://", "/oci/"))


def fail(message, code=1):
    sys.stderr.write("kubeflow-workbench step: " + message + "\n")
    sys.exit(code)


def local_path(uri):
    for prefix, mount in PREFIXES:
        if uri.startswith(prefix):
            return mount + uri[len(prefix):]
    return uri[len("file://"):] if uri.startswith("file://") else uri


def typed(value, kind):
    if value is None:
        return None
    if kind == "NUMBER_INTEGER":
        return int(float(value)) if isinstance(value, str) else int(value)
    if kind == "NUMBER_DOUBLE":
        return float(value)
    if kind == "BOOLEAN":
        return value.strip().lower() in ("true", "1") if isinstance(value, str) else bool(value)
    if kind in ("LIST", "STRUCT"):
        return json.loads(value) if isinstance(value, str) else value
    return value if isinstance(value, str) else json.dumps(value)


def as_text(value, kind):
    if kind == "STRING":
        return str(value)
    if kind == "BOOLEAN":
        return "true" if value else "false"
    return json.dumps(value)


def parse_options(args):
    options = {}
    i = 0
    while i + 1 < len(args):
        if args[i].startswith("--"):
            options[args[i][2:]] = args[i + 1]
            i += 2
        else:
            i += 1
    return options


class Artifact:
    """What Input[...] / Output[...] annotated arguments receive (the attributes kfp's Artifact has)."""

    def __init__(self, name, uri, metadata):
        self.name, self.uri, self.metadata = name, uri, dict(metadata or {})

    @property
    def path(self):
        return local_path(self.uri)


def install_kfp_stand_in():
    """Lets 'from kfp import dsl' and '@dsl.component' work in images without kfp (no install at run time)."""
    try:
        import kfp.dsl  # noqa: F401
        return
    except ImportError:
        pass
    kfp = types.ModuleType("kfp")
    dsl = types.ModuleType("kfp.dsl")

    def component(func=None, **_):
        return func if callable(func) else (lambda f: f)

    class Marker:
        def __init__(self, *args, **kwargs):
            self.args = args

        def __class_getitem__(cls, item):
            return cls

    for name in ("Input", "Output", "InputPath", "OutputPath"):
        setattr(dsl, name, type(name, (Marker,), {"kfwb_object": "Path" not in name}))
    for name in ("Artifact", "Dataset", "Model", "Metrics", "ClassificationMetrics",
                 "SlicedClassificationMetrics", "HTML", "Markdown"):
        setattr(dsl, name, type(name, (Artifact,), {}))
    dsl.component = component
    dsl.container_component = component
    kfp.dsl = dsl
    sys.modules["kfp"], sys.modules["kfp.dsl"] = kfp, dsl


def unpack(workdir, payload):
    for rel, text in payload["files"].items():
        target = os.path.normpath(os.path.join(workdir, rel))
        if not target.startswith(workdir + os.sep):
            fail("refusing to write " + rel + " outside the step's folder")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as f:
            f.write(text)


def ports(executor_input, payload):
    """Input values, input and output artifacts (name -> Artifact), output parameter files (name -> path)."""
    inputs = executor_input.get("inputs", {})
    outputs = executor_input.get("outputs", {})
    types_in = payload["inputs"]
    values = {}
    given = inputs.get("parameterValues", {})
    for name, spec in types_in.items():
        if spec.get("type") and (name in given or "default" in spec):
            values[name] = typed(given.get(name, spec.get("default")), spec["type"])
    arts_in = {}
    for name, entry in inputs.get("artifacts", {}).items():
        first = (entry.get("artifacts") or [{}])[0]
        arts_in[name] = Artifact(first.get("name", name), first.get("uri", ""), first.get("metadata"))
    arts_out = {}
    for name, entry in outputs.get("artifacts", {}).items():
        first = (entry.get("artifacts") or [{}])[0]
        art = Artifact(first.get("name", name), first.get("uri", ""), first.get("metadata"))
        if art.uri:
            os.makedirs(os.path.dirname(os.path.abspath(art.path)), exist_ok=True)
        arts_out[name] = art
    param_files = {}
    scratch = tempfile.mkdtemp(prefix="kfwb-outputs-")
    for name, spec in payload["outputs"].items():
        if spec.get("type"):
            given = outputs.get("parameters", {}).get(name, {}).get("outputFile")
            param_files[name] = given or os.path.join(scratch, name)
            os.makedirs(os.path.dirname(os.path.abspath(param_files[name])), exist_ok=True)
    return values, arts_in, arts_out, param_files


def read_written(param_files, payload, already):
    values = dict(already)
    for name, path in param_files.items():
        if name in values:
            continue
        if not os.path.exists(path):
            fail("output parameter '" + name + "' was not written (expected a value in " + path + ")")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        kind = payload["outputs"][name]["type"]
        try:
            values[name] = typed(text if kind == "STRING" else text.strip(), kind)
        except ValueError:
            fail("output parameter '" + name + "' is not a " + kind + ": " + repr(text[:200]))
    return values


def write_outputs(executor_input, payload, values, param_files, arts_out):
    for name, value in values.items():
        with open(param_files[name], "w", encoding="utf-8") as f:
            f.write(as_text(value, payload["outputs"][name]["type"]))
    output_file = executor_input.get("outputs", {}).get("outputFile")
    if output_file:
        os.makedirs(os.path.dirname(os.path.abspath(output_file)), exist_ok=True)
        artifacts = {
            name: {"artifacts": [{"name": a.name, "uri": a.uri, "metadata": a.metadata}]}
            for name, a in arts_out.items()
        }
        with open(output_file, "w", encoding="utf-8") as f:
            json.dump({"parameterValues": values, "artifacts": artifacts}, f)


def named_paths(values, arts_in, arts_out, param_files):
    named = dict(values)
    named.update({n: a.path for n, a in arts_in.items()})
    named.update({n: a.path for n, a in arts_out.items()})
    named.update(param_files)
    return named


def run_script(path, named, payload):
    argv = [path]
    for name, value in named.items():
        kind = payload["inputs"].get(name, {}).get("type")
        argv += ["--" + name, as_text(value, kind) if kind else str(value)]
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(path))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            raise


def run_notebook(path, named, arts_out):
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError:
        fail("notebook steps need nbclient and ipykernel in this Python (pip install nbclient ipykernel)")
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    # Cell ids (nbformat 4.5) before nbformat validates, so older notebooks and the injected cell agree.
    if raw.get("nbformat") == 4:
        raw["nbformat_minor"] = max(raw.get("nbformat_minor", 0), 5)
        for index, existing in enumerate(raw.get("cells", [])):
            existing.setdefault("id", "cell-" + str(index))
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    lines = ["# Parameters"] + [name + " = " + repr(value) for name, value in named.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    # The kernel must be this interpreter: 'python3' resolves through PATH.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

    def show(cell, cell_index, execute_reply):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                sys.stdout.write(out.get("text", ""))
            elif out.get("output_type") in ("execute_result", "display_data"):
                text = out.get("data", {}).get("text/plain")
                if text:
                    sys.stdout.write(text + "\n")
        sys.stdout.flush()

    client = NotebookClient(nb, kernel_name="python3", timeout=None,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    client.on_cell_executed = show
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = e
    executed = arts_out.get("executed_notebook")
    if executed is not None:
        nbformat.write(nb, executed.path)
    if failed is not None:
        sys.stderr.write(str(failed) + "\n")
        sys.exit(1)


def wants_object(annotation):
    """Input[...] / Output[...] (kfp or the stand-in) get an Artifact; InputPath, OutputPath, str get a path."""
    marked = getattr(annotation, "kfwb_object", None)
    if marked is not None:
        return marked
    shown = str(annotation)
    return "Input[" in shown or "Output[" in shown or ("kfp.dsl" in shown and "Path" not in shown)


def run_function(path, name, values, arts_in, arts_out, param_files, payload):
    install_kfp_stand_in()
    # As under kfp's own executor: kfp's decorators skip their compile-time work.
    os.environ["_KFP_RUNTIME"] = "true"
    sys.path.insert(0, os.path.dirname(path))
    namespace = runpy.run_path(path, run_name="__kfwb_component__")
    func = namespace.get(name)
    # A function decorated with the real @dsl.component is a PythonComponent wrapping it.
    func = getattr(func, "python_func", func)
    if not callable(func):
        fail("there is no function '" + name + "' in " + os.path.basename(path))
    signature = inspect.signature(func)
    accepts_any = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
    kwargs = {}
    for pname, param in signature.parameters.items():
        as_object = wants_object(param.annotation)
        if pname in values:
            kwargs[pname] = values[pname]
        elif pname in arts_in:
            kwargs[pname] = arts_in[pname] if as_object else arts_in[pname].path
        elif pname in arts_out:
            kwargs[pname] = arts_out[pname] if as_object else arts_out[pname].path
        elif pname in param_files and pname != "Output":
            kwargs[pname] = param_files[pname]
    if accepts_any:
        for pname, value in values.items():
            kwargs.setdefault(pname, value)
    result = func(**kwargs)
    returned = {}
    declared = payload["outputs"]
    if "Output" in declared and declared["Output"].get("type"):
        returned["Output"] = typed(result, declared["Output"]["type"]) if result is not None else None
        if returned["Output"] is None:
            fail("the function returned None for its output 'Output'")
    elif result is not None:
        fields = result._asdict() if hasattr(result, "_asdict") else result if isinstance(result, dict) else {}
        for key, value in fields.items():
            if key in declared and declared[key].get("type"):
                returned[key] = typed(value, declared[key]["type"])
    # Output parameters the function wrote to their OutputPath files are read back by the caller.
    return {k: v for k, v in returned.items() if k in param_files}


def main(argv):
    kind, main_file, function, chunks = argv[1], argv[2], argv[3], int(argv[4])
    payload = json.loads(zlib.decompress(base64.b64decode("".join(argv[5:5 + chunks]))).decode("utf-8"))
    options = parse_options(argv[5 + chunks:])
    if "executor_input" not in options:
        fail("missing --executor_input (the KFP launcher or the local runner passes it)")
    executor_input = json.loads(options["executor_input"])
    function = options.get("function_to_execute", function)
    workdir = os.path.realpath(tempfile.mkdtemp(prefix="kfwb-step-"))
    unpack(workdir, payload)
    home = os.path.normpath(os.path.join(workdir, payload["home"]))
    path = os.path.normpath(os.path.join(home, main_file))
    # Like JupyterLab (and Elyra), the step runs in its file's folder.
    os.chdir(os.path.dirname(path))
    values, arts_in, arts_out, param_files = ports(executor_input, payload)
    returned = {}
    if kind == "script":
        run_script(path, named_paths(values, arts_in, arts_out, param_files), payload)
    elif kind == "notebook":
        named = named_paths(values, arts_in, {k: v for k, v in arts_out.items() if k != "executed_notebook"},
                            param_files)
        run_notebook(path, named, arts_out)
    elif kind == "function":
        returned = run_function(path, function, values, arts_in, arts_out, param_files, payload)
    else:
        fail("unknown step kind " + kind)
    written = read_written(param_files, payload, returned)
    write_outputs(executor_input, payload, written, param_files, arts_out)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.exit(1)
`;
