"""The Kubernetes calls the KFP API server makes, through the `kubernetes` client kfp itself depends on.

Requests go through ApiClient.call_api with explicit content types: the generated patch methods would pick
JSON Patch, and KFP's terminate is a JSON merge patch.
"""

import json

from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

WORKFLOWS = "/apis/argoproj.io/v1alpha1"


class Kube:
    def __init__(self, kubeconfig: str):
        self.api = k8s_config.new_client_from_config(config_file=kubeconfig)

    def request(self, method: str, path: str, body=None, content_type: str = "application/json", query=None,
                stream: bool = False):
        return self.api.call_api(
            path,
            method,
            query_params=list((query or {}).items()),
            header_params={"Content-Type": content_type, "Accept": "application/json"},
            body=body,
            response_type=None if stream else "object",
            auth_settings=["BearerToken"],
            _return_http_data_only=True,
            _preload_content=not stream,
            _request_timeout=None if stream else 30,
        )

    # Workflows (no status subresource: status is written with the object, as Argo does).
    def create_workflow(self, namespace: str, wf: dict) -> dict:
        return self.request("POST", f"{WORKFLOWS}/namespaces/{namespace}/workflows", wf)

    def get_workflow(self, namespace: str, name: str) -> dict:
        return self.request("GET", f"{WORKFLOWS}/namespaces/{namespace}/workflows/{name}")

    def update_workflow(self, namespace: str, wf: dict) -> dict:
        name = wf["metadata"]["name"]
        return self.request("PUT", f"{WORKFLOWS}/namespaces/{namespace}/workflows/{name}", wf)

    def merge_patch_workflow(self, namespace: str, name: str, patch: dict) -> dict:
        return self.request("PATCH", f"{WORKFLOWS}/namespaces/{namespace}/workflows/{name}", patch,
                            "application/merge-patch+json")

    def delete_workflow(self, namespace: str, name: str) -> None:
        self.request("DELETE", f"{WORKFLOWS}/namespaces/{namespace}/workflows/{name}")

    def list_workflows(self, selector: str) -> dict:
        return self.request("GET", f"{WORKFLOWS}/workflows", query={"labelSelector": selector})

    def watch_workflows(self, selector: str, resource_version: str, timeout: int):
        """Yields watch events ({type, object}) of Workflows in every namespace until the server closes."""
        resp = self.request("GET", f"{WORKFLOWS}/workflows", stream=True, query={
            "labelSelector": selector, "watch": "1", "resourceVersion": resource_version,
            "timeoutSeconds": str(timeout), "allowWatchBookmarks": "false"})
        try:
            for line in resp:
                if line.strip():
                    yield json.loads(line)
        finally:
            resp.release_conn()

    def delete_pod(self, namespace: str, name: str) -> None:
        try:
            self.request("DELETE", f"/api/v1/namespaces/{namespace}/pods/{name}")
        except ApiException as e:
            if e.status != 404:
                raise

    # Authentication and authorization (multi-user mode).
    def token_review(self, token: str, audiences: list[str]) -> dict:
        return self.request("POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
            "spec": {"token": token, "audiences": audiences}})

    def subject_access_review(self, user: str, attributes: dict) -> dict:
        return self.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
            "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
            "spec": {"user": user, "resourceAttributes": attributes}})


__all__ = ["Kube", "ApiException"]
