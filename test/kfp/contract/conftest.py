"""Fixtures of the kfp.Client contract tests. test/kfp/contract/run.ts starts the kube-apiserver and the two
stand-ins and passes their addresses in the environment; the tests then use only the official client, plus the
Kubernetes API to play Argo's controller (writing a Workflow's status) and to check what the server created."""

import os
import time
import uuid

import kfp
import pytest
from kfp import compiler, dsl
from kubernetes import client as k8s, config as k8s_config

IMAGE = "python:3.11"


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"${name} is not set: run these tests through test/kfp/contract/run.ts")
    return value


@pytest.fixture(scope="session")
def standin_url() -> str:
    return _env("KFP_STANDIN_URL")


@pytest.fixture(scope="session")
def client(standin_url) -> kfp.Client:
    """The official client on the single-user stand-in (it calls healthz on construction)."""
    return kfp.Client(host=standin_url)


@pytest.fixture(scope="session")
def multi_user_url() -> str:
    return _env("KFP_STANDIN_MULTI_USER_URL")


@pytest.fixture(scope="session")
def profile() -> str:
    return _env("KFP_PROFILE")


@pytest.fixture(scope="session")
def editor_token() -> str:
    return _env("KFP_EDITOR_TOKEN")


@pytest.fixture(scope="session")
def outsider_token() -> str:
    return _env("KFP_OUTSIDER_TOKEN")


@pytest.fixture(scope="session")
def workflows() -> k8s.CustomObjectsApi:
    return k8s.CustomObjectsApi(k8s_config.new_client_from_config(config_file=_env("KFWB_ADMIN_KUBECONFIG")))


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


# ---- pipelines, compiled by kfp's own compiler ----

@dsl.component(base_image=IMAGE)
def add(a: float, b: float) -> float:
    return a + b


@dsl.component(base_image=IMAGE)
def show(value: float, label: str = "sum"):
    print(label, value)


@dsl.pipeline(name="add-and-show", description="Adds two numbers and prints the sum")
def add_and_show(a: float, b: float = 2.0, label: str = "sum"):
    total = add(a=a, b=b)
    show(value=total.output, label=label)


@pytest.fixture(scope="session")
def package(tmp_path_factory) -> str:
    """add-and-show compiled to IR YAML: `a` is required, `b` and `label` have defaults."""
    path = tmp_path_factory.mktemp("ir") / "add-and-show.yaml"
    compiler.Compiler().compile(add_and_show, str(path))
    return str(path)


# ---- playing Argo ----

class Argo:
    """Writes a run's Workflow status as Argo's controller does (read, replace; the CRD has no status
    subresource)."""

    def __init__(self, api: k8s.CustomObjectsApi):
        self.api = api

    def workflow(self, run_id: str, timeout: float = 10) -> dict:
        deadline = time.time() + timeout
        while True:
            items = self.api.list_cluster_custom_object(
                "argoproj.io", "v1alpha1", "workflows", label_selector=f"pipeline/runid={run_id}")["items"]
            if items:
                return items[0]
            if time.time() > deadline:
                raise AssertionError(f"no Workflow for run {run_id}")
            time.sleep(0.1)

    def advance(self, run_id: str, phase: str, message: str = "") -> dict:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for _ in range(10):
            wf = self.workflow(run_id)
            name, ns = wf["metadata"]["name"], wf["metadata"]["namespace"]
            status = {"phase": phase, "startedAt": (wf.get("status") or {}).get("startedAt", now)}
            if phase in ("Succeeded", "Failed", "Error"):
                status["finishedAt"] = now
            if message:
                status["message"] = message
            wf["status"] = status
            try:
                return self.api.replace_namespaced_custom_object("argoproj.io", "v1alpha1", ns, "workflows", name, wf)
            except k8s.ApiException as e:
                if e.status != 409:  # the stand-in labelled it meanwhile: read again
                    raise
        raise AssertionError("Workflow kept changing")


@pytest.fixture(scope="session")
def argo(workflows) -> Argo:
    return Argo(workflows)


def wait_for_state(client, run_id: str, state: str, timeout: float = 15):
    deadline = time.time() + timeout
    while True:
        run = client.get_run(run_id)
        if run.state == state:
            return run
        if time.time() > deadline:
            raise AssertionError(f"run {run_id} stayed {run.state}, expected {state}")
        time.sleep(0.1)


def first_version(client, pipeline_id: str) -> str:
    """run_pipeline wants both ids; an uploaded pipeline has one version."""
    return client.list_pipeline_versions(pipeline_id).pipeline_versions[0].pipeline_version_id
