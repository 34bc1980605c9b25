"""The reviewers' web app (FastAPI, server-rendered pages, a few lines of JavaScript for the
keyboard). Every page needs a signed-in reviewer, checked before a request's body is read
(``review.guard``); every form carries a CSRF token; all text is escaped by Jinja2 and no
query text is shown back but a checked path of the app; nothing is read from disk but the
dataset, the state folder and this package's own templates and static files. Pages are in
Norwegian bokmål unless the reviewer picks English (``review.i18n``); errors are pages of
the app too, in the same language (a client that asks for JSON gets JSON)."""

from __future__ import annotations

import logging
import math
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.authentication import AuthenticationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import HTTPConnection

from veikart.files import atomic_write_text

from . import i18n
from .explain import explain
from .guard import (
    BodyLimit,
    LoginAttempts,
    ResponseHeaders,
    ReviewerGate,
    TooManyTries,
    client_address,
)
from .service import Filters, Recorded, Refused, ReviewError, ReviewService
from .settings import Settings

HERE = Path(__file__).resolve().parent
SHORTCUTS = [("1 2 3", "key_match"), ("r", "key_reject"), ("i", "key_ignore"),
             ("d", "key_defer"), ("n", "key_new"), ("a", "key_all"), ("/", "key_search"),
             ("j / k", "key_move")]
STATUSES = ["pending", "auto", "reviewed", "unmatched", "ignored"]
CSP = ("default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
#: An error page's title and text by status code, and by what was not found. (Without a
#: good session the answer is the sign-in page, not an error page.)
ERRORS = {400: ("e400_title", "e400_text"), 403: ("e403_title", "e403_text"),
          404: ("e404_title", "e404_text"), 413: ("e413_title", "e413_text"),
          500: ("e500_title", "e500_text")}
#: The pages a sign-in may lead back to: the queue or an item (nothing else is shown back).
NEXT = re.compile(r"/item/[A-Za-z0-9_-]{1,64}")
NOT_FOUND = {"item": ("e404_item_title", "e404_item_text"),
             "crop": ("e404_item_title", "e404_crop_text")}
log = logging.getLogger("veikart.review")


def _secret(service: ReviewService) -> str:
    path = service.store.folder / "session.key"
    if not path.exists():  # readable by its owner only, from before it holds the secret
        atomic_write_text(path, secrets.token_hex(32), mode=0o600)
    return path.read_text().strip()


def language(request: Request) -> str:
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE),
                       request.headers.get("accept-language"))


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def next_page(path: str) -> str:
    """Where a sign-in leads: the item ``path`` is of, else the queue (never another site:
    ``//host``, ``/\\host``; never text of the request beyond an item's id).

    >>> next_page("/item/ab12/decide"), next_page("/\\\\evil.example"), next_page("//x")
    ('/item/ab12', '/', '/')
    """
    found = NEXT.match(path)
    return found.group() if found else "/"


def reviewer(request: HTTPConnection) -> str | None:
    """The signed-in reviewer (``review.guard.ReviewerGate``), None on the sign-in page."""
    user = request.scope.get("user")
    return user.display_name if user is not None and user.is_authenticated else None


def server(app: FastAPI, port: int, log_level: str = "warning") -> uvicorn.Server:
    """The app served on 127.0.0.1 only, reading no forwarding headers (every client is
    local, so a client's own ``X-Forwarded-For`` would pick its address for the login
    limit)."""
    return uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level,
                                         proxy_headers=False, server_header=False))


def in_force_label(t: i18n.Translator, decision, names: dict[str, str]) -> str:
    """The decision in words ("Koblet til «Timer 2.0» (timer-2-0)")."""
    iid = decision.initiative_id or ""
    return t(f"in_force_{decision.action}", name=decision.new_name or names.get(iid, iid),
             id=iid)


def confirmation(t: i18n.Translator, done: Recorded, names: dict[str, str]) -> list[str]:
    """What a decision recorded, in the page's language (the flash after the redirect)."""
    if done.action == "undo":
        lines = [t("done_undo", what=in_force_label(t, done.undone, names), text=done.text,
                   who=done.undone.reviewer, when=t.when(done.undone.at),
                   status=t.status(done.status))]
    else:
        lines = [t(f"done_{done.action}", text=done.text, name=done.initiative_name or "",
                   id=done.initiative_id or "")]
    if done.scope == "text" and done.items > 1:
        lines.append(t("done_scope", n=done.items))
    lines.append(t("done_left", left=done.pending))
    return lines


def create_app(service: ReviewService, settings: Settings | None = None) -> FastAPI:
    """The app; ``settings`` (default: from the environment) limit what a request may do."""
    settings = settings or Settings.from_env()
    attempts = LoginAttempts(settings.login_tries, settings.login_window)
    app = FastAPI(title="veikart review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")

    def at_the_gate(conn: HTTPConnection, exc: AuthenticationError) -> Response:
        """No good session, or too many failed sign-ins: the sign-in page, said why."""
        request = Request(conn.scope)
        if isinstance(exc, TooManyTries):
            return sign_in_page(request, 429, "too_many_tries", next_page(request.url.path),
                                {"Retry-After": str(math.ceil(exc.wait))},
                                minutes=math.ceil(exc.wait / 60))
        notice = "session_ended" if exc.ended else "sign_in_first"
        if exc.ended:
            request.session.clear()
        if request.method in ("GET", "HEAD") and not request.url.path.endswith(".png"):
            if exc.ended:
                flash(request, "error", [i18n.Translator(language(request))(notice)])
            return RedirectResponse("/login?" + urlencode(
                {"next": next_page(request.url.path)}), 303)
        return sign_in_page(request, 401, notice, next_page(request.url.path))

    # the last added runs first: headers on everything, the host, the body's size, the
    # session cookie, then who is signed in, all before a byte of the body is read
    app.add_middleware(AuthenticationMiddleware, backend=ReviewerGate(service.store, attempts),
                       on_error=at_the_gate)
    app.add_middleware(SessionMiddleware, secret_key=_secret(service),
                       session_cookie="veikart_review", same_site="strict", https_only=False,
                       max_age=12 * 3600)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.hosts),
                       www_redirect=False)
    app.add_middleware(ResponseHeaders, headers=HEADERS, cookie=i18n.COOKIE,
                       languages=i18n.MESSAGES)

    def csrf_token(request: Request) -> str:
        if "csrf" not in request.session:
            request.session["csrf"] = secrets.token_urlsafe(24)
        return request.session["csrf"]

    def check_csrf(request: Request, token: str) -> None:
        if not token or not secrets.compare_digest(token, request.session.get("csrf", "")):
            raise HTTPException(403, "the form's CSRF token is missing or wrong")

    def base_context(request: Request, lang: str) -> dict:
        """What every page has; the language link keeps only the page's own filters (and a
        checked ``next``), never other text of the query."""
        other = i18n.Translator(lang)("other_language_code")
        kept = ("document", "region", "status", "q") if reviewer(request) else ()
        query = {k: v for k, v in request.query_params.items() if k in kept}
        if request.url.path == "/login":
            query["next"] = next_page(request.query_params.get("next", "/"))
        return {"t": i18n.Translator(lang), "lang": lang,
                "switch_url": request.url.path + "?" + urlencode({**query, "lang": other})}

    def page(request: Request, name: str, status_code: int = 200,
             headers: dict | None = None, **context) -> HTMLResponse:
        lang = language(request)
        who = context.pop("reviewer") if "reviewer" in context else reviewer(request)
        left, total = service.progress() if who else (0, 0)
        flash = request.session.pop("flash", None)
        return templates.TemplateResponse(request, name, {
            **base_context(request, lang), "reviewer": who,
            "csrf": csrf_token(request), "left": left, "total": total,
            "shortcuts": SHORTCUTS, "flash": flash, **context}, status_code=status_code,
            headers=headers)

    def sign_in_page(request: Request, status_code: int = 200, notice: str | None = None,
                     next: str = "/", headers: dict | None = None, **params) -> Response:
        """The sign-in form, with a notice from the catalogue (never text of the request)."""
        if wants_json(request) and status_code != 200:
            return JSONResponse({"error": status_code}, status_code=status_code,
                                headers=headers)
        t = i18n.Translator(language(request))
        return page(request, "login.html", status_code, headers, next=next_page(next),
                    notice=t(notice, **params) if notice else None, reviewer=None)

    def error_page(request: Request, code: int, keys: tuple[str, str] | None = None):
        # the headers here too: a 500 is answered outside the middleware that adds them
        if wants_json(request):
            return JSONResponse({"error": code}, status_code=code, headers=HEADERS)
        lang = language(request)
        title, text = keys or ERRORS.get(code, ERRORS[400])
        return templates.TemplateResponse(request, "error.html", {
            **base_context(request, lang), "reviewer": None, "code": code,
            "title_key": title, "text_key": text}, status_code=code, headers=HEADERS)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        keys = NOT_FOUND.get(exc.detail) if exc.status_code == 404 else None
        return error_page(request, exc.status_code, keys)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return error_page(request, 400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.error("review app error on %s", request.url.path, exc_info=exc)
        return error_page(request, 500)

    def flash(request: Request, kind: str, lines: list[str]) -> None:
        request.session["flash"] = {"kind": kind, "lines": lines}

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/"):
        return sign_in_page(request, next=next)

    @app.post("/login")
    def login(request: Request, token: str = Form(""), csrf: str = Form(""),
              next: str = Form("/")):
        check_csrf(request, csrf)
        found = service.store.session_for(token.strip())
        if found is None:
            attempts.failed(client_address(request))
            return sign_in_page(request, 401, "unknown_token", next)
        attempts.succeeded(client_address(request))
        request.session.clear()
        request.session.update(reviewer=found[0], token_version=found[1],
                               csrf=secrets.token_urlsafe(24))
        return RedirectResponse(next_page(next), 303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        """Signing out ends every session of the reviewer (a copied cookie too)."""
        check_csrf(request, csrf)
        service.store.end_sessions(reviewer(request))
        request.session.clear()
        return RedirectResponse("/login", 303)

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, document: str = "", region: str = "",
                   status: str = "pending"):
        rows = service.queue(Filters(document or None, region or None, status or None))
        return page(request, "queue.html", rows=rows[:500], count=len(rows),
                    documents=service.documents(), regions=service.regions(),
                    filters={"document": document, "region": region, "status": status},
                    statuses=STATUSES)

    @app.get("/item/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: str, q: str = ""):
        try:
            item = service.item(item_id)
        except ReviewError:
            raise HTTPException(404, "item") from None
        t = i18n.Translator(language(request))
        names = service.initiative_names()
        queue = [r["item_id"] for r in service.queue()]
        position = queue.index(item_id) if item_id in queue else -1
        nxt = queue[position + 1] if 0 <= position < len(queue) - 1 else None
        prev = queue[position - 1] if position > 0 else None
        decision = service.in_force(item_id)
        placed = {label.what: label.text for label in service.labels(item)}
        return page(request, "item.html", item=item, q=q, results=service.search(q),
                    next_id=nxt, prev_id=prev, has_crop=service.can_render(item),
                    plain=explain(item, t, names), decision=decision,
                    decision_label=in_force_label(t, decision, names) if decision else None,
                    near=service.neighbourhood(item), placed=placed,
                    new_name=item["match_text"] or item["text"])

    @app.get("/item/{item_id}/crop.png")
    def crop(request: Request, item_id: str):
        try:
            png = service.crop_png(item_id)
        except ReviewError:
            raise HTTPException(404, "item") from None
        if png is None:
            raise HTTPException(404, "crop")
        return Response(png, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=3600"})

    def decided(request: Request, item_id: str, done: Recorded, queue_before: list[str]):
        t = i18n.Translator(language(request))
        flash(request, "ok", confirmation(t, done, service.initiative_names()))
        queue_after = {r["item_id"] for r in service.queue()}
        later = [i for i in queue_before[queue_before.index(item_id) + 1:]
                 if i in queue_after] if item_id in queue_before else []
        target = later[0] if later else next(iter(sorted(queue_after)), None)
        return RedirectResponse(f"/item/{target}" if target else "/", 303)

    def refused(request: Request, item_id: str, err: Refused) -> RedirectResponse:
        t = i18n.Translator(language(request))
        flash(request, "error", [t(err.key, **err.params)])
        return RedirectResponse(f"/item/{item_id}", 303)

    @app.post("/item/{item_id}/decide")
    def decide(request: Request, item_id: str, csrf: str = Form(""), action: str = Form(""),
               initiative_id: str = Form(""), new_name: str = Form(""),
               all_identical: str = Form("")):
        name = reviewer(request)
        check_csrf(request, csrf)
        queue_before = [r["item_id"] for r in service.queue()]
        try:
            done = service.decide(item_id, name, action, initiative_id=initiative_id or None,
                                  new_name=new_name or None, all_identical=bool(all_identical))
        except Refused as err:
            return refused(request, item_id, err)
        except ReviewError:
            raise HTTPException(404, "item") from None
        return decided(request, item_id, done, queue_before)

    @app.post("/item/{item_id}/undo")
    def undo(request: Request, item_id: str, csrf: str = Form("")):
        name = reviewer(request)
        check_csrf(request, csrf)
        try:
            done = service.undo(item_id, name)
        except Refused as err:
            return refused(request, item_id, err)
        except ReviewError:
            raise HTTPException(404, "item") from None
        t = i18n.Translator(language(request))
        flash(request, "ok", confirmation(t, done, service.initiative_names()))
        return RedirectResponse(f"/item/{item_id}", 303)

    return app
