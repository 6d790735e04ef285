"""SyncApiFunction: a Lambda function behind API Gateway, inside the timeout budget.

The synchronous invocation model: the caller waits for the answer, the caller owns the
retries, and API Gateway cuts the request at its integration timeout (29 s for REST
APIs, 30 s for HTTP APIs) however long the function may still run. So the function
timeout is validated strictly below the integration timeout; the stage is throttled,
access-logged in JSON and (REST) traced; and nothing asynchronous (retries, dead-letter
queues, destinations) is configured, because Lambda never applies it to synchronous
invocations.

``api="url"`` puts a Lambda function URL in front instead: no API Gateway, so no integration
timeout (the caller waits up to the function timeout, at most 15 minutes), no stage throttling
(``reserved_concurrent_executions`` is the only cap) and no request validation.

The package reads one front door at a time: ``core.py`` is the construct (its props, the
checks every front door shares, the function, the Throttles alarm); ``rest.py``, ``http.py``
and ``url.py`` are the front doors, each with its own checks, resources, alarms and
acknowledgments (``gateway.py`` holds what the two API Gateway doors share); ``door.py`` is
what the core and a door say to each other; ``authorization.py`` is who may call.
"""

from __future__ import annotations

from constructs_lib.sync_api.authorization import Authorization
from constructs_lib.sync_api.core import ACKNOWLEDGMENTS as ACKNOWLEDGMENTS
from constructs_lib.sync_api.core import ALIAS_NAME as ALIAS_NAME
from constructs_lib.sync_api.core import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from constructs_lib.sync_api.core import SyncApiFunction
from constructs_lib.sync_api.http import HTTP_ACCESS_LOG_FIELDS as HTTP_ACCESS_LOG_FIELDS
from constructs_lib.sync_api.rest import REST_ACCESS_LOG_FIELDS as REST_ACCESS_LOG_FIELDS

__all__ = ["Authorization", "SyncApiFunction"]
