"""LinkedIn-shaped error responses the sandbox sends.

Bodies follow the shapes LinkedIn documents for its errors: the classic envelope
``{"status", "serviceErrorCode", "code", "message"}``, the newer ``errorDetails.inputErrors``
envelope for parameter problems, and OAuth's ``{"error", "error_description"}`` on the token
endpoint. Each factory returns an :class:`ApiError` that the request pipeline turns into a
response, so handlers can simply ``raise`` them.
"""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]


class ApiError(Exception):
    """An HTTP error response, raised by handlers and rendered by the server.

    Attributes:
        status: HTTP status code.
        body: JSON body to send.
        headers: Extra response headers.
    """

    def __init__(self, status: int, body: JsonDict, headers: dict[str, str] | None = None) -> None:
        """Build the error.

        Args:
            status: HTTP status code.
            body: JSON body.
            headers: Extra response headers.
        """
        super().__init__(f"{status}: {body.get('message') or body.get('error')}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def service_error(
    status: int, message: str, *, code: str | None = None, service_error_code: int | None = None
) -> ApiError:
    """Build a classic LinkedIn error envelope.

    Args:
        status: HTTP status.
        message: The ``message`` text.
        code: The ``code`` constant (newer responses carry it).
        service_error_code: The numeric ``serviceErrorCode``.

    Returns:
        The error.
    """
    body: JsonDict = {"status": status}
    if service_error_code is not None:
        body["serviceErrorCode"] = service_error_code
    if code is not None:
        body["code"] = code
    body["message"] = message
    return ApiError(status, body)


# --- 401 -------------------------------------------------------------------------------------


def empty_access_token() -> ApiError:
    """No ``Authorization: Bearer`` header at all."""
    return service_error(
        401, "Empty oauth2 access token", code="EMPTY_ACCESS_TOKEN", service_error_code=65604
    )


def invalid_access_token() -> ApiError:
    """A token the sandbox never issued (or a malformed header)."""
    return service_error(
        401, "Invalid access token", code="INVALID_ACCESS_TOKEN", service_error_code=65600
    )


def expired_access_token() -> ApiError:
    """A token past its lifetime, or expired through a fault / ``expire_access_tokens``."""
    return service_error(
        401,
        "The token used in the request has expired",
        code="EXPIRED_ACCESS_TOKEN",
        service_error_code=65602,
    )


def revoked_access_token() -> ApiError:
    """A token revoked through ``SandboxServer.revoke``."""
    return service_error(
        401,
        "The token used in the request has been revoked by the user",
        code="REVOKED_ACCESS_TOKEN",
        service_error_code=65601,
    )


# --- 400 / 426: headers and parameters --------------------------------------------------------


def version_missing() -> ApiError:
    """No ``LinkedIn-Version`` header (wording from a third-party report, not LinkedIn's docs)."""
    return service_error(
        400,
        "A version must be present. Please specify a version by adding the "
        "LinkedIn-Version header.",
        code="VERSION_MISSING",
    )


def nonexistent_version(version: str) -> ApiError:
    """A ``LinkedIn-Version`` that is not live; LinkedIn renders it as YYYYMM01."""
    return service_error(
        426, f"Requested version {version}01 is not active", code="NONEXISTENT_VERSION"
    )


def invalid_version(value: str) -> ApiError:
    """A ``LinkedIn-Version`` that is not YYYYMM at all (sandbox wording, UNCONFIRMED)."""
    return service_error(
        400,
        f"Invalid version '{value}' in the LinkedIn-Version header; expected YYYYMM",
        code="INVALID_VERSION",
    )


def protocol_required(value: str | None) -> ApiError:
    """Missing/wrong ``X-Restli-Protocol-Version`` (sandbox-strict choice, see README)."""
    got = f"'{value}'" if value is not None else "no header"
    return service_error(
        400,
        f"X-Restli-Protocol-Version: 2.0.0 is required (got {got}). Without it LinkedIn "
        "reads the query in Rest.li protocol 1.0 syntax, which this sandbox does not accept.",
        code="ILLEGAL_ARGUMENT",
        service_error_code=100,
    )


def invalid_query(detail: str) -> ApiError:
    """Unparseable Rest.li syntax; the prefix is LinkedIn's own message."""
    return service_error(
        400,
        f"Invalid query parameters passed to request: {detail}",
        code="ILLEGAL_ARGUMENT",
        service_error_code=100,
    )


def param_required(name: str) -> ApiError:
    """A required query parameter is absent."""
    return service_error(
        400, f"Parameter '{name}' is required", code="ILLEGAL_ARGUMENT", service_error_code=100
    )


def input_errors(*errors: tuple[str, str, str]) -> ApiError:
    """The newer ``errorDetails.inputErrors`` envelope.

    Args:
        errors: ``(code, description, fieldPath)`` triples.

    Returns:
        The error.
    """
    body: JsonDict = {
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "message": "Invalid param. Please see errorDetails for more information.",
        "errorDetails": {
            "inputErrors": [
                {
                    "description": description,
                    "input": {"inputPath": {"fieldPath": field_path}},
                    "code": code,
                }
                for code, description, field_path in errors
            ]
        },
        "status": 400,
    }
    return ApiError(400, body)


def param_invalid(name: str, description: str | None = None) -> ApiError:
    """A parameter with the wrong type or an invalid value."""
    text = description or "Invalid value for param; wrong type or other syntax error"
    return input_errors(("PARAM_INVALID", text, name))


def union_not_data_map(name: str) -> ApiError:
    """A union parameter (``owner``) that arrived as a string, e.g. with encoded syntax."""
    return input_errors(
        (
            "FIELD_INVALID",
            "ERROR :: /value :: union type is not backed by a DataMap or null",
            f"{name}/value",
        )
    )


def param_not_allowed(name: str) -> ApiError:
    """A query parameter this finder does not take (sandbox-strict, see README)."""
    return input_errors(
        ("QUERY_PARAM_NOT_ALLOWED", f"Query parameter '{name}' is not allowed", name)
    )


def too_large(name: str, maximum: int) -> ApiError:
    """``count``/``pageSize`` above the configured maximum."""
    return service_error(
        400,
        f"Value of '{name}' must not exceed {maximum}",
        code="ILLEGAL_ARGUMENT",
        service_error_code=100,
    )


def uri_too_long() -> ApiError:
    """Query string above 4 KB (LinkedIn's documented limit): the client should tunnel the query."""
    return service_error(414, "Request-URI Too Long", code="URI_TOO_LONG")


# --- 403 / 404 / 405 ---------------------------------------------------------------------------


def access_denied(resource: str, method: str, version: str) -> ApiError:
    """The member lacks a role on the owner of the requested data."""
    return service_error(
        403,
        f"Not enough permissions to access: {resource}.{method}.{version}01",
        code="ACCESS_DENIED",
        service_error_code=100,
    )


def not_found(message: str = "Not Found") -> ApiError:
    """Unknown entity id."""
    return service_error(404, message, code="NOT_FOUND", service_error_code=100)


def no_resource() -> ApiError:
    """Unknown path."""
    return service_error(404, "No virtual resource found", code="RESOURCE_NOT_FOUND")


def method_not_allowed(method: str) -> ApiError:
    """Known path, wrong HTTP method."""
    return service_error(
        405, f"Method {method} is not allowed on this resource", code="METHOD_NOT_ALLOWED"
    )


# --- 429 / 5xx (fault injection) -----------------------------------------------------------


def throttled(retry_after: int | None) -> ApiError:
    """Short-term throttle; ``Retry-After`` only when given (its use is UNCONFIRMED)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    body: JsonDict = {
        "status": 429,
        "serviceErrorCode": 101,
        "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle limit for calls to this resource is reached.",
    }
    return ApiError(429, body, headers)


def daily_limit() -> ApiError:
    """The per-day application+member quota is used up (resets at midnight UTC)."""
    body: JsonDict = {
        "status": 429,
        "serviceErrorCode": 101,
        "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle APPLICATION AND MEMBER DAY limit for calls to this "
        "resource is reached.",
    }
    return ApiError(429, body)


SERVER_ERROR_MESSAGES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def server_error(status: int) -> ApiError:
    """A 5xx answer from the gateway."""
    return ApiError(
        status,
        {"status": status, "message": SERVER_ERROR_MESSAGES.get(status, "Server Error")},
        {"X-Restli-Gateway-Error": "true"},
    )


# --- OAuth token endpoint -------------------------------------------------------------------


def oauth_error(status: int, error: str, description: str) -> ApiError:
    """OAuth 2.0 error body as the token endpoint sends it."""
    return ApiError(status, {"error": error, "error_description": description})
