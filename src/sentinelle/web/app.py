"""The FastAPI application: REST API under ``/api/v1``, the page at ``/``, local assets under ``/static``.

One ``Engine`` per app, built once (engines are stateless per message and thread-safe): analyses run in
worker threads, pictures and recordings through a small capacity limiter of their own (OCR and speech are
heavy; a burst of them must not starve the SMS checks). Every refusal is a ``WebError`` answered as JSON on
the API (``{"detail", "code", "errors"}``) and as the form with its message on the page; a bug is a plain
500 without traceback.
"""

from __future__ import annotations

import importlib.util
import math
import secrets
import time
import urllib.parse
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..config import Config, Limits
from ..engine import Engine
from ..errors import InputError, UnsupportedInput
from ..model import Kind, Message, Verdict
from ..resources import LANGS
from .inputs import (
    AnalyzeInput,
    Part,
    WebError,
    content_type,
    form_input,
    parse_json,
    parse_multipart,
    raw_email_input,
    read_body,
)
from .present import present
from .schemas import ErrorOut, HealthOut, VerdictOut, request_body
from .security import CSRF_COOKIE, CSRF_FIELD, CsrfSigner, RateLimiter, SecurityHeaders, client_key
from .settings import WebSettings
from .texts import PageTexts, load_all_texts

_FORM_KINDS = ("auto", "sms", "email", "call", "voicemail", "url", "phone")
_INLINE_CHARS = 2_000  # texts up to this size are analysed on the event loop (see _App.analyze)
_MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the small fields beside the file
_MEDIA_MODULES = {"image": "sentinelle.media.image", "audio": "sentinelle.media.audio"}
_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": why}
    for status, why in (
        (400, "Empty body, bad JSON, unreadable form or input"),
        (413, "Body or file over the size limit"),
        (415, "Content type or file type not supported (or the reader for it is not installed)"),
        (422, "Fields that do not fit the schema"),
        (429, "Too many requests from this client (see Retry-After)"),
    )
}


class _App:
    """The state behind the routes: engine, settings, texts, templates, signer, limiters."""

    def __init__(self, engine: Engine, settings: WebSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.texts = load_all_texts()
        self.env = Environment(
            loader=PackageLoader("sentinelle.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.csrf = CsrfSigner(settings.secret_key or secrets.token_bytes(32), settings.csrf_max_age_s)
        self.rate = (
            RateLimiter(settings.rate_per_minute, settings.rate_burst, settings.rate_clients)
            if settings.rate_per_minute > 0
            else None
        )
        self.media_limiter = anyio.CapacityLimiter(max(1, settings.media_concurrency))

    # ------------------------------------------------------------------ shared steps
    def check_rate(self, request: Request) -> None:
        if self.rate is None:
            return
        wait = self.rate.acquire(client_key(request.client.host if request.client else None))
        if wait > 0:
            seconds = str(max(1, math.ceil(wait)))
            raise WebError(429, "rate", params={"seconds": seconds}, headers={"Retry-After": seconds})

    async def analyze(self, inp: AnalyzeInput) -> tuple[Verdict, Message]:
        engine = self.engine

        def run() -> tuple[Verdict, Message]:
            started = time.perf_counter()
            if inp.fetch:  # issue 9: allowed by the operator (checked below), in this worker thread
                from ..fetch import fetch_page

                fetched = fetch_page(inp.url or "", self.settings.fetch_options)
                msg = engine.parse(fetched)
            else:
                msg = engine.parse(inp.source, kind=inp.kind, sender=inp.sender, caller_id=inp.caller_id, url=inp.url)
            return engine.analyze_message(msg, lang=inp.lang, started=started), msg

        if inp.fetch and not self.settings.allow_fetch:
            raise WebError(403, "fetch_disabled")
        limiter = self.media_limiter if inp.media in (Kind.IMAGE, Kind.AUDIO) or inp.fetch else None
        try:
            if isinstance(inp.source, str) and len(inp.source) <= _INLINE_CHARS:
                # An SMS-sized text takes ~0.2 ms: cheaper on the event loop than the hop to a worker thread.
                return run()
            return await anyio.to_thread.run_sync(run, limiter=limiter)
        except UnsupportedInput as exc:
            raise WebError(415, "unsupported", detail=str(exc)) from None
        except InputError as exc:
            raise WebError(400, "input", detail=str(exc)) from None
        except ModuleNotFoundError as exc:
            # The engine routes pictures and recordings to readers that a build may not have yet.
            if exc.name and exc.name.startswith("sentinelle.media"):
                what = "images" if inp.media is Kind.IMAGE else "enregistrements audio"
                raise WebError(415, "unsupported", detail=f"la lecture des {what} n'est pas installée") from None
            raise

    def texts_for(self, lang: str | None) -> PageTexts:
        return self.texts[lang if lang in LANGS else "fr"]

    def error_json(self, err: WebError, lang: str | None) -> JSONResponse:
        message = self.texts_for(lang).error(err.code, err.params)
        if err.detail:
            message = f"{message} ({err.detail})"
        body: dict[str, Any] = {"detail": message, "code": err.code}
        if err.errors:
            body["errors"] = err.errors
        return JSONResponse(body, status_code=err.status, headers=err.headers)

    # ------------------------------------------------------------------ pages
    def csrf_cookie(self, request: Request) -> tuple[str, bool]:
        """The browser's CSRF cookie value, and whether it must be (re)sent."""
        value = request.cookies.get(CSRF_COOKIE, "")
        if 20 <= len(value) <= 100 and value.replace("-", "").replace("_", "").isalnum():
            return value, False
        return CsrfSigner.new_cookie_value(), True

    def render(self, request: Request, template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
        texts = self.texts_for(lang)
        cookie, fresh = self.csrf_cookie(request)
        other = texts.ui["other_lang"]
        context = {"error": None, "error_detail": "", "form": {}, "filename": None} | context
        html = self.env.get_template(template).render(
            t=texts.ui,
            texts=texts,
            lang=texts.lang,
            other_lang=other,
            other_href=f"{request.url.path}?lang={other}" if request.method == "GET" else f"/?lang={other}",
            csrf_field=CSRF_FIELD,
            csrf_token=self.csrf.token(cookie),
            form_kinds=[(k, texts.ui["kind_auto"] if k == "auto" else texts.kinds[k]) for k in _FORM_KINDS],
            max_bytes=self.settings.max_upload_bytes,
            max_mb=f"{self.settings.max_upload_bytes / (1024 * 1024):g}",
            max_text_chars=self.settings.max_text_chars,
            settings_display_chars=self.settings.display_chars,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                cookie,
                max_age=self.settings.csrf_max_age_s,
                path="/",
                httponly=True,
                samesite="strict",
                secure=self.settings.secure_cookies,
            )
        return response

    async def page_post(self, request: Request) -> Response:
        lang = request.query_params.get("lang")
        form: dict[str, str] = {}
        try:
            self.check_rate(request)
            ctype = content_type(request)
            limit = self.settings.max_upload_bytes + _MULTIPART_OVERHEAD
            body = await read_body(request, limit)
            if ctype == "multipart/form-data":
                parts = parse_multipart(body, request.headers["content-type"])
            elif ctype == "application/x-www-form-urlencoded":
                parts = [
                    Part(k, None, "", bytearray(v.encode()))
                    for k, v in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                ]
            else:
                raise WebError(415, "content_type")
            form = {p.name: p.data.decode("utf-8", "replace") for p in parts if p.name != "file"}
            lang = form.get("lang") if form.get("lang") in LANGS else lang
            if not self.csrf.check(request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD)):
                raise WebError(403, "csrf")
            inp = form_input(parts, self.settings.max_text_chars, self.settings.max_upload_bytes)
            verdict, msg = await self.analyze(inp)
        except WebError as err:
            texts = self.texts_for(lang)
            message = texts.error(err.code, err.params)
            response = self.render(
                request,
                "index.html",
                texts.lang,
                status=err.status,
                error=message,
                error_detail=err.detail,
                form=form,
            )
            response.headers.update(err.headers)
            return response
        texts = self.texts_for(inp.lang)
        view = present(verdict, msg, texts, self.engine.knowledge, self.settings.display_chars)
        return self.render(request, "result.html", texts.lang, view=view, filename=inp.filename)


def create_app(engine: Engine | None = None, settings: WebSettings | None = None) -> FastAPI:
    """The web application over ``engine`` (when omitted, the default ``Engine`` with pictures of image-only
    e-mails read by OCR, as a person checking one message expects), with these limits."""
    state = _App(engine or Engine(Config(limits=Limits(email_picture_ocr=2))), settings or WebSettings())
    app = FastAPI(
        title="Sentinelle",
        version=__version__,
        description=(
            "Analyse d'un message douteux (SMS, e-mail, appel, message vocal, lien, numéro, capture, "
            "enregistrement) envoyé au nom de l'Assurance Maladie ou d'un service public. "
            "`POST /api/v1/analyze` répond exactement `Verdict.to_dict()`."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not served (no outside assets)
        redoc_url=None,
        # No telemetry of citizens' requests, whatever the environment says (FastAPI's OpenTelemetry hooks).
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.sentinelle = state
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("sentinelle.web", "static")]), name="static")

    @app.exception_handler(WebError)
    async def on_web_error(request: Request, exc: WebError) -> Response:
        return state.error_json(exc, request.query_params.get("lang"))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = request.query_params.get("lang")
        code = "not_found" if exc.status_code == 404 else "invalid"
        if request.url.path.startswith("/api/"):
            message = state.texts_for(lang).error(code) if exc.status_code == 404 else str(exc.detail)
            return JSONResponse(
                {"detail": message, "code": code}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
            )
        texts = state.texts_for(lang)
        return state.render(request, "error.html", texts.lang, status=exc.status_code, message=texts.error(code))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        message = state.texts_for(request.query_params.get("lang")).error("internal")
        return JSONResponse({"detail": message, "code": "internal"}, status_code=500)

    # ---------------------------------------------------------------------------------------- API
    @app.get("/api/v1/health", response_model=HealthOut, tags=["api"])
    async def health() -> dict[str, Any]:
        """Liveness and what this installation can read (optional readers for pictures, recordings, .msg)."""
        inputs = {name: importlib.util.find_spec(mod) is not None for name, mod in _MEDIA_MODULES.items()}
        inputs["outlook"] = importlib.util.find_spec("extract_msg") is not None
        return {
            "status": "ok",
            "version": __version__,
            "data_digest": state.engine.knowledge.digest,
            "inputs": inputs,
        }

    @app.post(
        "/api/v1/analyze",
        tags=["api"],
        responses={
            200: {"model": VerdictOut, "description": "The verdict: exactly Verdict.to_dict()"},
            **_ERROR_RESPONSES,
        },
        openapi_extra={"requestBody": request_body()},
    )
    async def analyze(request: Request) -> Response:
        """Analyse one message given as JSON (`text`, `kind`, `sender`, `caller_id`, `url`, `lang`), as a
        multipart upload (`file`: .eml, .msg, image or audio, with the same optional fields), or as a raw e-mail
        (`Content-Type: message/rfc822`, the message itself as the body, `?lang=fr|en`)."""
        state.check_rate(request)
        ctype = content_type(request)
        settings = state.settings
        if ctype == "application/json" or ctype.endswith("+json"):
            inp = parse_json(await read_body(request, settings.max_json_bytes), settings.max_text_chars)
        elif ctype == "multipart/form-data":
            body = await read_body(request, settings.max_upload_bytes + _MULTIPART_OVERHEAD)
            parts = parse_multipart(body, request.headers["content-type"])
            inp = form_input(parts, settings.max_text_chars, settings.max_upload_bytes)
        elif ctype == "message/rfc822":  # a mail server's way: the raw message as the body, as rspamc sends it
            body = await read_body(request, settings.max_upload_bytes)
            inp = raw_email_input(body, request.query_params.get("lang"))
        elif not ctype and not await read_body(request, settings.max_json_bytes):
            raise WebError(400, "empty")
        else:
            raise WebError(415, "content_type")
        verdict, _ = await state.analyze(inp)
        return JSONResponse(verdict.to_dict())

    # ---------------------------------------------------------------------------------------- pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, lang: str = "fr") -> Response:
        return state.render(request, "index.html", lang, form={})

    @app.post("/analyse", response_class=HTMLResponse, include_in_schema=False)
    async def analyse_page(request: Request) -> Response:
        return await state.page_post(request)

    @app.get("/analyse", include_in_schema=False)
    def analyse_get(lang: str = "fr") -> Response:
        return RedirectResponse(f"/?lang={lang if lang in LANGS else 'fr'}", status_code=303)

    @app.get("/aide", response_class=HTMLResponse, include_in_schema=False)
    def help_page(request: Request, lang: str = "fr") -> Response:
        return state.render(request, "help.html", lang)

    return app
