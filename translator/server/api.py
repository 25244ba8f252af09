"""The HTTP routes: LibreTranslate's API, a native endpoint for articles, and the page.

LibreTranslate's shapes (``/translate``, ``/detect``, ``/languages``,
``/frontend/settings``, ``/translate_file`` with ``/download_file/…``) so that its
clients work unchanged; parameters from a JSON body, form fields or the query string;
errors as ``{"error": "..."}`` with 400, 403, 429 and 500. What translator adds rides in
extra fields (``warnings``, ``glossary``). ``/article`` returns a whole
:class:`~translator.pipeline.Translation`; ``/`` is the page for a journalist.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from translator.errors import (
    AccessDeniedError,
    LanguageDetectionError,
    RequestError,
    TranslatorError,
    UnsupportedLanguageError,
)
from translator.io import decode_noted
from translator.language.detect import detect_language
from translator.pipeline import Translation
from translator.server.service import SOURCES, Service, file_kind

__all__ = ["create_app"]

LANGUAGES = [
    {"code": "da", "name": "Danish", "targets": ["en"]},
    {"code": "en", "name": "English", "targets": ["en"]},
]
FILE_SUFFIXES = [".txt", ".html", ".htm", ".xml", ".json"]
Params = dict[str, Any]


class BodyLimit:
    """Refuses a request body over ``limit`` bytes (413) before it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(self.limit)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> Response:
    return JSONResponse({"error": f"Invalid request: the body is over {limit} bytes"}, 413)


def create_app(service: Service) -> Starlette:
    """The ASGI application of ``service`` (run it with uvicorn, or :func:`serve`)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        await run_in_threadpool(service.load)
        yield
        await run_in_threadpool(service.close)

    def route(
        path: str, handler: Callable[[Service, Request], Awaitable[Response]], *methods: str
    ) -> Route:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(service, request)
            except TranslatorError as error:
                return JSONResponse({"error": str(error)}, getattr(error, "status", 500))
            except (HTTPException, _BodyTooLarge):
                raise
            except Exception as error:  # noqa: BLE001 - a client hears of it in one line, as JSON
                problem = f"Cannot translate text: {type(error).__name__}: {error}"
                return JSONResponse({"error": problem.splitlines()[0]}, 500)

        return Route(path, endpoint, methods=list(methods), name=handler.__name__.strip("_"))

    middleware = [Middleware(BodyLimit, limit=service.options.max_body_bytes)]
    if service.options.cors_origins:
        origins = list(service.options.cors_origins)
        headers = ["Content-Type", "Authorization"]
        middleware.append(
            Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=headers)
        )  # fmt: skip
    return Starlette(
        routes=[
            route("/", _page, "GET"),
            route("/translate", _translate, "POST"),
            route("/detect", _detect, "POST"),
            route("/languages", _languages, "GET"),
            route("/frontend/settings", _settings, "GET"),
            route("/health", _health, "GET"),
            route("/translate_file", _translate_file, "POST"),
            route("/download_file/{file_id}", _download, "GET"),
            route("/article", _article, "POST"),
        ],
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's own errors (404, 405, a form that does not parse) as JSON, too."""
    status = getattr(error, "status_code", 500)
    return JSONResponse({"error": str(getattr(error, "detail", error))}, status)


# -- parameters ------------------------------------------------------------------------


async def _params(service: Service, request: Request) -> Params:
    """The request's parameters: the query string, under a JSON body or form fields."""
    params: Params = dict(request.query_params)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise RequestError(problem="Invalid request: the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise RequestError(problem="Invalid request: the body is not a JSON object")
        params.update(body)
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        limit = service.options.max_body_bytes
        async with request.form(max_files=1, max_fields=1000, max_part_size=limit) as form:
            for name in form:
                values = [await _value(value) for value in form.getlist(name)]
                params[name] = values if len(values) > 1 else values[0]
    return params


@dataclass(frozen=True)
class Upload:
    """A file sent with a form."""

    name: str
    data: bytes


async def _value(value: str | UploadFile) -> str | Upload:
    if isinstance(value, UploadFile):
        return Upload(value.filename or "", await value.read())
    return value


def _check_key(service: Service, request: Request, params: Params) -> None:
    keys = service.options.api_keys
    if not keys:
        return
    given = params.get("api_key") or request.headers.get("authorization", "").removeprefix(
        "Bearer "
    )
    if given not in keys:
        raise AccessDeniedError(problem="Invalid API key")


def _required(params: Params, name: str) -> Any:
    value = params.get(name)
    if value in (None, "", []):
        raise RequestError(problem=f"Invalid request: missing {name} parameter")
    return value


def _texts(service: Service, params: Params) -> tuple[list[str], bool]:
    """The texts of ``q`` and whether it was a list, within the service's limits."""
    q = _required(params, "q")
    batch = isinstance(q, list)
    texts = q if batch else [q]
    if not all(isinstance(text, str) for text in texts):
        raise RequestError(problem="Invalid request: q must be a string or a list of strings")
    limit, chars = service.options.batch_limit, service.options.char_limit
    if batch and limit != -1 and len(texts) > limit:
        raise RequestError(
            problem=f"Invalid request: request ({len(texts)}) exceeds text limit ({limit})"
        )
    for text in texts:
        if chars != -1 and len(text) > chars:
            raise RequestError(
                problem=f"Invalid request: request ({len(text)}) exceeds text limit ({chars})"
            )
    return texts, batch


def _languages_of(params: Params) -> str:
    source, target = _required(params, "source"), _required(params, "target")
    if source not in SOURCES:
        raise RequestError(problem=f"{source} is not supported")
    if target != "en":
        raise RequestError(problem=f"{target} is not supported")
    return str(source)


def _kind(html: bool) -> str:
    return "html" if html else "text"


def _format(params: Params) -> bool:
    """Whether the texts are HTML."""
    kind = params.get("format") or "text"
    if kind not in ("text", "html"):
        raise RequestError(problem=f"{kind} format is not supported")
    return kind == "html"


def _count(service: Service, params: Params) -> int:
    try:
        count = max(0, int(params.get("alternatives") or 0))
    except (TypeError, ValueError):
        raise RequestError(
            problem="Invalid request: alternatives parameter is not a number"
        ) from None
    limit = service.options.alternatives_limit
    if count > limit:
        raise RequestError(problem=f"Invalid request: alternatives parameter must be <= {limit}")
    return count


def _settled(results: list[Translation | TranslatorError], names: list[str]) -> list[Translation]:
    """The translations, or the request's error: the first text that could not be translated."""
    done = []
    for result, name in zip(results, names, strict=True):
        if isinstance(result, (UnsupportedLanguageError, LanguageDetectionError)):
            problem = str(result).split(": ", 1)[-1]
            raise RequestError(problem=f"{name}: {problem}")
        if isinstance(result, TranslatorError):
            raise result
        done.append(result)
    return done


# -- endpoints -------------------------------------------------------------------------


async def _translate(service: Service, request: Request) -> Response:
    params = await _params(service, request)
    _check_key(service, request, params)
    texts, batch = _texts(service, params)
    source, html, count = _languages_of(params), _format(params), _count(service, params)
    names = [f"q[{i}]" for i in range(len(texts))] if batch else ["q"]
    if source == "en":  # English to English: passed through
        results = [Translation(text, "en", 1.0, translated=False) for text in texts]
    else:
        key = service.key(source)
        results = _settled(await service.translate(key, texts, _kind(html)), names)
    body: dict[str, Any] = {"translatedText": [r.text for r in results]}
    if source == "auto":
        body["detectedLanguage"] = [
            {"confidence": round(r.confidence * 100, 1), "language": r.source_language}
            for r in results
        ]
    if count:
        body["alternatives"] = [
            await _alternatives(service, source, r, count, html) for r in results
        ]
    body["warnings"] = [r.warnings for r in results]
    body["glossary"] = [[asdict(hit) for hit in r.glossary_hits] for r in results]
    return JSONResponse(body if batch else {name: value[0] for name, value in body.items()})


async def _alternatives(
    service: Service, source: str, result: Translation, count: int, html: bool
) -> list[str]:
    """Other translations (text only, as LibreTranslate gives them)."""
    if html or not result.translated:
        return []
    return await run_in_threadpool(service.alternatives, service.key(source), result, count)


async def _detect(service: Service, request: Request) -> Response:
    params = await _params(service, request)
    _check_key(service, request, params)
    texts, _ = _texts(service, params)
    try:
        found = await run_in_threadpool(detect_language, "\n".join(texts))
    except LanguageDetectionError as error:
        raise RequestError(problem=f"q: {error.fields.get('problem')}") from None
    return JSONResponse(
        [{"confidence": round(found.probability * 100, 1), "language": found.language}]
    )


async def _languages(service: Service, request: Request) -> Response:
    return JSONResponse(LANGUAGES)


async def _settings(service: Service, request: Request) -> Response:
    keys = bool(service.options.api_keys)
    return JSONResponse({
        "charLimit": service.options.char_limit,
        "frontendTimeout": 500,
        "apiKeys": keys,
        "keyRequired": keys,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": FILE_SUFFIXES,
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": "en", "name": "English"},
        },
    })  # fmt: skip


async def _health(service: Service, request: Request) -> Response:
    return JSONResponse({"status": "ok", "queued": service.batcher.queued})


async def _page(service: Service, request: Request) -> Response:
    page = resources.files("translator.server").joinpath("page.html").read_text("utf-8")
    return HTMLResponse(
        page, headers={"Content-Security-Policy": "default-src 'self' 'unsafe-inline'"}
    )


async def _translate_file(service: Service, request: Request) -> Response:
    params = await _params(service, request)
    _check_key(service, request, params)
    upload = params.get("file")
    if not isinstance(upload, Upload) or not upload.name:
        raise RequestError(problem="Invalid request: missing file parameter")
    source = _languages_of(params)
    kind = file_kind(upload.name)
    if not kind:
        raise RequestError(problem="Invalid request: file format not supported")
    text, _ = decode_noted(upload.data, upload.name)
    limit = service.options.char_limit
    if limit != -1 and len(text) > limit:
        raise RequestError(
            problem=f"Invalid request: request ({len(text)}) exceeds text limit ({limit})"
        )
    if source == "en":
        english = text
    else:
        result = _settled(
            await service.translate(service.key(source), [text], kind), [upload.name]
        )[0]
        english = result.text
    stem, dot, suffix = upload.name.rpartition(".")
    file_id = service.files.save(f"{stem}.en{dot}{suffix}" if dot else f"{suffix}.en", english)
    return JSONResponse({"translatedFileUrl": str(request.url_for("download", file_id=file_id))})


async def _download(service: Service, request: Request) -> Response:
    file_id = request.path_params["file_id"]
    path = service.files.path(file_id)
    if path is None:
        raise RequestError(problem="Invalid filename")
    return FileResponse(path, filename=file_id.split(".", 1)[1])


async def _article(service: Service, request: Request) -> Response:
    params = await _params(service, request)
    _check_key(service, request, params)
    text = _required(params, "text")
    chars = service.options.char_limit
    if not isinstance(text, str) or (chars != -1 and len(text) > chars):
        raise RequestError(
            problem=f"Invalid request: text must be a string of at most {chars} characters"
        )
    source = params.get("source") or "auto"
    if source not in ("auto", "da"):
        raise RequestError(problem=f"{source} is not supported (auto or da)")
    glossary = params.get("glossary") or ""
    if not isinstance(glossary, str):
        raise RequestError(problem="Invalid request: glossary must be TSV text")
    key = service.key(source, params.get("quote_style"), glossary)
    result = _settled(await service.translate(key, [text], _kind(_format(params))), ["text"])[0]
    body = result.to_dict()
    body["paragraphs"] = _paragraphs(text, result) if not _format(params) else []
    return JSONResponse(body)


def _paragraphs(text: str, result: Translation) -> list[dict[str, str]]:
    """The article's lines that hold text, Danish beside English."""
    english = result.text.split("\n") if result.translated else text.split("\n")
    pairs = zip(text.split("\n"), english, strict=False)
    return [{"source": d, "target": e} for d, e in pairs if d.strip()]
