"""Tracing and structured logs: one trace from the HTTP request through outbox, Kafka and consumer."""

import contextvars
import datetime as dt
import logging
import re
import sys
from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

_configured = False


def configure_tracing(service_name: str, otlp_endpoint: str | None) -> None:
    """Install a tracer provider; spans leave the process only when an OTLP endpoint is set."""
    global _configured
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _configured = True


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_trace_headers() -> dict[str, str]:
    """The current span's W3C trace context, to store beside an outgoing event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract_trace_context(headers: Mapping[str, str]):
    return propagate.extract(dict(headers))


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


# The request id of the HTTP request being answered (set by the access-log middleware).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("unionfed_request_id", default=None)


class _TraceIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        request_id = request_id_var.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class _OperatorJsonFormatter(JsonFormatter):
    """One JSON object a line: ISO 8601 UTC time with its zone, no terminal colour codes."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def process_log_record(self, log_data):
        # A library that colours its own messages (uvicorn, click) must not leave escapes in a log file.
        return {k: _ANSI.sub("", v) if isinstance(v, str) else v for k, v in log_data.items()}


def json_formatter(service_name: str) -> logging.Formatter:
    return _OperatorJsonFormatter(
        "{asctime}{levelname}{name}{message}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        static_fields={"service": service_name},
        # uvicorn adds the message again with ANSI colours as `color_message`.
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        json_ensure_ascii=False,
    )


def json_log_handler(service_name: str, stream=None) -> logging.Handler:
    """Writes JSON lines carrying the trace, span and request ids of the work being done."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_TraceIdFilter())
    handler.setFormatter(json_formatter(service_name))
    return handler


def configure_logging(service_name: str, level: str = "INFO") -> None:
    handler = json_log_handler(service_name)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # sqlalchemy.engine at INFO/DEBUG logs statement parameters and result rows: personal data.
    # uvicorn.access is replaced by unionfed.access (JSON, route templates, request ids).
    for noisy in ("aiokafka", "kafka", "uvicorn.access", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
