"""``@instrument``: Lambda context and correlation id on every log line, EMF flush, cold start, tracing, errors.

Trace sampling happens upstream (X-Ray decides at the first traced hop), so TRACE_SAMPLE_RATE and
ERROR_TRACE_SAMPLE_RATE choose how often a traced invocation records its response, or its exception, as
trace metadata (as Powertools' capture_response / capture_error do). Annotations (ColdStart, Service,
correlation_id, user) and the fault with its cause (type, stack, redacted message) are always recorded.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast, overload

from .correlation import correlation_id, user_id
from .runtime import Runtime, runtime

__all__ = ["instrument"]

Handler = TypeVar("Handler", bound=Callable[..., Any])
_LOGGED = "_observability_logged"


class _SubsegmentRecorder(Protocol):
    """The X-Ray SDK recorder (Powertools' default tracing provider) beyond Powertools' BaseProvider interface."""

    def begin_subsegment(self, name: str) -> Any: ...

    def end_subsegment(self) -> None: ...


def _context_keys(context: Any) -> dict[str, Any]:
    return {
        "function_name": getattr(context, "function_name", None),
        "function_memory_size": getattr(context, "memory_limit_in_mb", None),
        "function_arn": getattr(context, "invoked_function_arn", None),
        "function_request_id": getattr(context, "aws_request_id", None),
    }


def _log_uncaught(rt: Runtime, error: BaseException) -> None:
    if getattr(error, _LOGGED, False):  # nested instrumented calls: log once, at the innermost level
        return
    from .fingerprint import fingerprint  # lazy: only the error path pays for traceback/sysconfig

    found = fingerprint(error)
    rt.logger.exception(
        "Uncaught exception in handler",
        extra={"error_type": found.error_type, "error_fingerprint": found.fingerprint,
               "error_location": found.location},
    )
    try:
        setattr(error, _LOGGED, True)
    except AttributeError:  # exceptions with __slots__
        pass


def _record_exception(rt: Runtime, subsegment: Any, error: Exception) -> None:
    import traceback

    stack = traceback.extract_tb(error.__traceback__, limit=getattr(rt.tracer.provider, "max_trace_back", 10))
    subsegment.add_exception(error, stack)
    if rt.redactor is not None:  # the trace keeps the type and stack; PII in the message is redacted as in logs
        for throwable in subsegment.cause.get("exceptions", []) if isinstance(subsegment.cause, dict) else []:
            if isinstance(getattr(throwable, "message", None), str):
                throwable.message = rt.redactor.redact_text(throwable.message)


def _traced_call(rt: Runtime, handler: Callable[..., Any], name: str, cold: bool, keys: dict[str, Any],
                 args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    import random  # lazy: only traced invocations sample

    tracer, settings = rt.tracer, rt.settings
    recorder = cast(_SubsegmentRecorder, tracer.provider)
    # begin/end rather than the SDK's context manager: that one records exceptions with their raw message.
    subsegment = recorder.begin_subsegment(name=f"## {name}")
    if subsegment is None:  # no active trace segment: run untraced rather than fail
        return handler(*args, **kwargs)
    try:
        subsegment.put_annotation(key="ColdStart", value=cold)
        subsegment.put_annotation(key="Service", value=settings.service)
        if keys.get("correlation_id"):
            subsegment.put_annotation(key="correlation_id", value=str(keys["correlation_id"]))
        if keys.get("user"):
            subsegment.put_annotation(key="user", value=keys["user"])
        try:
            response = handler(*args, **kwargs)
        except Exception as error:
            _record_exception(rt, subsegment, error)
            if random.random() < settings.error_trace_sample_rate:
                tracer.put_metadata(key=f"{name} error", value=rt.redactor.redact_text(repr(error))
                                    if rt.redactor else repr(error))
            raise
        if random.random() < settings.trace_sample_rate:
            tracer.put_metadata(key=f"{name} response", value=response)
        return response
    finally:
        recorder.end_subsegment()


def _wrap(handler: Handler, user_id_from: Callable[[Any], str | None] | None, rt: Runtime | None) -> Handler:
    name = getattr(handler, "__name__", "handler")

    @functools.wraps(handler)
    def instrumented(event: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        current = rt or runtime
        logger, metrics = current.logger, current.metrics
        cold = current.take_cold_start()
        keys = _context_keys(context)
        raw_user = (user_id_from or user_id)(event)
        keys["cold_start"] = cold
        keys["correlation_id"] = correlation_id(event, keys["function_request_id"])
        keys["user"] = current.pseudonymize(raw_user) if raw_user else None  # None removes last call's user
        logger.append_keys(**keys)
        enabled = current.settings.enable_metrics
        if cold and enabled and keys["function_name"]:  # no context (local call): no function to attribute it to
            metrics.provider.add_cold_start_metric(context=context)
        try:
            if current.tracing_enabled:
                return _traced_call(current, handler, name, cold, keys, (event, context, *args), kwargs)
            return handler(event, context, *args, **kwargs)
        except Exception as error:
            _log_uncaught(current, error)
            raise
        finally:
            if enabled and metrics.metric_set:
                metrics.flush_metrics()
            else:
                metrics.clear_metrics()

    # functools.wraps keeps the handler's signature at run time; the type system cannot follow it.
    return cast(Handler, instrumented)


@overload
def instrument(handler: Handler) -> Handler: ...


@overload
def instrument(*, user_id_from: Callable[[Any], str | None] | None = None,
               runtime: Runtime | None = None) -> Callable[[Handler], Handler]: ...


def instrument(handler: Handler | None = None, *, user_id_from: Callable[[Any], str | None] | None = None,
               runtime: Runtime | None = None) -> Handler | Callable[[Handler], Handler]:
    """Instrument a Lambda handler; usable bare (``@instrument``) or with options (``@instrument(...)``).

    Each invocation gets: Lambda context keys, ``cold_start``, ``correlation_id`` and a pseudonymized ``user``
    on every log line; a ColdStart metric on the first call; EMF metrics flushed at the end; an X-Ray
    subsegment when tracing is on; and an uncaught exception logged once (with an error fingerprint), then
    re-raised.

    Parameters
    ----------
    handler : Callable, optional
        The handler, when used bare.
    user_id_from : Callable[[event], str | None], optional
        Where to find the raw user id in the event (default: Cognito/JWT claims, authorizer principal).
        Only its pseudonym is ever logged.
    runtime : Runtime, optional
        A specific runtime (tests); the process-wide one by default.

    Returns
    -------
    Callable
        The instrumented handler, or a decorator when called with options only.

    Example
    -------
    >>> from observability import instrument, logger, metrics
    >>> @instrument
    ... def handler(event, context):
    ...     logger.info("hello")
    ...     return {"statusCode": 200}
    """
    if handler is None:
        return lambda inner: _wrap(inner, user_id_from, runtime)
    return _wrap(handler, user_id_from, runtime)
