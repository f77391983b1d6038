"""One error shape for the whole API: RFC 9457 problem details.

Every error body is `application/problem+json` with `type`, `title`, `status`, `detail`,
a machine-readable `code`, and for validation failures an `errors` list of
`{field, code, message}` (plus `row` on batch endpoints) naming every problem at once.
"""

from .errors import (  # noqa: F401
    PROBLEM_CONTENT_TYPE,
    PROBLEM_TYPE_BASE,
    TITLES,
    Conflict,
    InvalidRecord,
    PreconditionFailed,
    RequestTimeout,
    RequestTooLarge,
    RowErrors,
    RowsInvalid,
    ServiceUnavailable,
    UnprocessableEntity,
    Violation,
    violations_error,
)
from .handler import (  # noqa: F401
    _fields_detail,
    _sqlstate,
    _to_api_exception,
    flatten_errors,
    logger,
    problem,
    problem_exception_handler,
)
from .pages import (  # noqa: F401
    _django_problem,
    _for_people,
    bad_request,
    csrf_failure,
    not_found,
    permission_denied,
    server_error,
)
