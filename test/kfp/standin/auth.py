"""Multi-user mode: who is calling (auth/auth.go) and may they (ResourceManager.IsAuthorized).

Identity: the `kubeflow-userid` header (empty prefix, as Kubeflow's manifests configure it), else
`Authorization: Bearer <token>` checked by a TokenReview with audience pipelines.kubeflow.org (every wanted
audience must come back in status.audiences). Authorization: a SubjectAccessReview with the user only (no
groups) on group pipelines.kubeflow.org, version v1beta1.
"""

from .errors import KfpError, INVALID_ARGUMENT, internal, permission_denied, unauthenticated
from .kube import Kube

USERID_HEADER = "kubeflow-userid"
USERID_PREFIX = ""
AUDIENCE = "pipelines.kubeflow.org"
GROUP = "pipelines.kubeflow.org"
VERSION = "v1beta1"


class Authorizer:
    def __init__(self, kube: Kube, multi_user: bool):
        self.kube = kube
        self.multi_user = multi_user

    def _header(self, headers, name: str, prefix: str) -> str:
        values = headers.get_all(name) or []
        if len(values) != 1:
            msg = f"Request header error: unexpected number of '{name}' headers. Expect 1 got {len(values)}"
            raise unauthenticated("", msg)
        value = values[0]
        if not value.startswith(prefix):
            msg = f"Header '{name}' is incorrectly formatted. Expected prefix '{prefix}'"
            raise KfpError(INVALID_ARGUMENT, f"BadRequestError: {msg}: {msg}", msg)
        return value[len(prefix):]

    def identity(self, headers) -> str:
        errors = []
        for authenticate in (self._from_header, self._from_token):
            try:
                user = authenticate(headers)
                if user:
                    return user
            except KfpError as e:
                errors.append(e.internal)
        raise unauthenticated(
            "[" + ", ".join(errors) + "]",
            "Failed to check authorization. User identity is empty in the request header",
        )

    def _from_header(self, headers) -> str:
        return self._header(headers, USERID_HEADER, USERID_PREFIX)

    def _from_token(self, headers) -> str:
        token = self._header(headers, "authorization", "Bearer ")
        try:
            review = self.kube.token_review(token, [AUDIENCE])
        except Exception as e:  # the apiserver refused the review itself
            raise unauthenticated(str(e), "Request header error: Failed to review the token provided").wrap(
                "Authentication failure")
        status = review.get("status", {})
        if not status.get("authenticated"):
            raise unauthenticated("Failed to authenticate token review",
                                  f"Review.Status.Authenticated is false. Error {status.get('error', '')}").wrap(
                "Authentication failure")
        if AUDIENCE not in (status.get("audiences") or []):
            raise unauthenticated("Failed to authenticate token review",
                                  f"Failed to find all of '[{AUDIENCE}]' in audience: {status.get('audiences')}").wrap(
                "Authentication failure")
        return status.get("user", {}).get("username", "")

    def authorize(self, headers, attributes: dict) -> None:
        """IsAuthorized; a no-op in single-user mode. `attributes` are ResourceAttributes (resource, verb, …)."""
        if not self.multi_user:
            return
        user = self.identity(headers)
        attrs = {"group": GROUP, "version": VERSION, **{k: v for k, v in attributes.items() if v}}
        try:
            result = self.kube.subject_access_review(user, attrs)
        except Exception as e:
            raise internal(str(e), f"Failed to create SubjectAccessReview for user '{user}' (request: {attrs})")
        status = result.get("status", {})
        if not status.get("allowed"):
            raise permission_denied(
                "Unauthorized access",
                f"User '{user}' is not authorized with reason: {status.get('reason', '')} (request: {attrs})",
            )
