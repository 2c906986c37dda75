"""KFP's error model: a UserError carries a gRPC code, an internal message chain and an external message.

The HTTP body is what grpc-gateway writes for it: {"code", "message" (the internal chain), "details"
[google.rpc.Status with the external message]} (backend/src/common/util/error.go GRPCStatus).
"""

INVALID_ARGUMENT = 3
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
FAILED_PRECONDITION = 9
INTERNAL = 13
UNAVAILABLE = 14
UNAUTHENTICATED = 16

# grpc-gateway's HTTPStatusFromCode.
HTTP_STATUS = {
    INVALID_ARGUMENT: 400,
    NOT_FOUND: 404,
    ALREADY_EXISTS: 409,
    PERMISSION_DENIED: 403,
    FAILED_PRECONDITION: 400,
    INTERNAL: 500,
    UNAVAILABLE: 503,
    UNAUTHENTICATED: 401,
}


class KfpError(Exception):
    def __init__(self, code: int, internal: str, external: str):
        super().__init__(internal)
        self.code = code
        self.internal = internal
        self.external = external

    def wrap(self, message: str) -> "KfpError":
        """util.Wrap: prefixes the internal chain, keeps the external message and the code."""
        return KfpError(self.code, f"{message}: {self.internal}", self.external)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 500)

    def body(self) -> dict:
        return {
            "code": self.code,
            "message": self.internal,
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.Status",
                    "code": self.code,
                    "message": self.external,
                }
            ],
        }


def invalid_input(message: str) -> KfpError:
    return KfpError(INVALID_ARGUMENT, f"Invalid input error: {message}", message)


def invalid_input_with_details(cause: str, external: str) -> KfpError:
    return KfpError(INVALID_ARGUMENT, f"InvalidInputError: {external}: {cause}", external)


def not_found(resource_type: str, name: str) -> KfpError:
    external = f"{resource_type} {name} not found"
    return KfpError(NOT_FOUND, f"ResourceNotFoundError: {external}", external)


def already_exists(message: str) -> KfpError:
    return KfpError(ALREADY_EXISTS, f"Already exist error: {message}", message)


def internal(cause: str, message: str) -> KfpError:
    return KfpError(INTERNAL, f"InternalServerError: {message}: {cause}", "Internal Server Error")


def unauthenticated(cause: str, message: str) -> KfpError:
    return KfpError(UNAUTHENTICATED, f"Unauthenticated: {message}: {cause}", message)


def permission_denied(cause: str, message: str) -> KfpError:
    return KfpError(PERMISSION_DENIED, f"PermissionDenied: {message}: {cause}", message)
