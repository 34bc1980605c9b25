"""The reviewers' web app (FastAPI, server-rendered pages, a few lines of JavaScript for the
keyboard). Every page needs a signed-in reviewer; every form carries a CSRF token; all text
is escaped by Jinja2; nothing is read from disk but the dataset, the state folder and this
package's own templates and static files."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from veikart.files import atomic_write_text

from .service import Filters, ReviewError, ReviewService

HERE = Path(__file__).resolve().parent
SHORTCUTS = [("1 2 3", "match candidate 1, 2 or 3"), ("r", "not the first candidate"),
             ("i", "not an initiative (ignore)"), ("d", "defer"), ("n", "new initiative"),
             ("a", "apply to all identical texts"), ("/", "search the catalogue"),
             ("j / k", "next / previous item")]
CSP = ("default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def _secret(service: ReviewService) -> str:
    path = service.store.folder / "session.key"
    if not path.exists():  # readable by its owner only, from before it holds the secret
        atomic_write_text(path, secrets.token_hex(32), mode=0o600)
    return path.read_text().strip()


def create_app(service: ReviewService) -> FastAPI:
    app = FastAPI(title="veikart review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=_secret(service),
                       session_cookie="veikart_review", same_site="strict", https_only=False,
                       max_age=12 * 3600)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    def csrf_token(request: Request) -> str:
        if "csrf" not in request.session:
            request.session["csrf"] = secrets.token_urlsafe(24)
        return request.session["csrf"]

    def check_csrf(request: Request, token: str) -> None:
        if not token or not secrets.compare_digest(token, request.session.get("csrf", "")):
            raise HTTPException(403, "the form's CSRF token is missing or wrong")

    def reviewer(request: Request) -> str | None:
        return request.session.get("reviewer")

    def page(request: Request, name: str, **context) -> HTMLResponse:
        left, total = service.progress()
        return templates.TemplateResponse(request, name, {
            "reviewer": reviewer(request), "csrf": csrf_token(request), "left": left,
            "total": total, "shortcuts": SHORTCUTS, **context})

    def login_redirect(request: Request) -> RedirectResponse:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), 303)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/", error: str | None = None):
        return templates.TemplateResponse(request, "login.html", {
            "csrf": csrf_token(request), "next": next if next.startswith("/") else "/",
            "error": error, "reviewer": None})

    @app.post("/login")
    def login(request: Request, token: str = Form(""), csrf: str = Form(""),
              next: str = Form("/")):
        check_csrf(request, csrf)
        name = service.store.reviewer_for(token.strip())
        if name is None:
            return RedirectResponse("/login?" + urlencode({"error": "Unknown token",
                                                           "next": next}), 303)
        request.session.clear()
        request.session["reviewer"] = name
        request.session["csrf"] = secrets.token_urlsafe(24)
        return RedirectResponse(next if next.startswith("/") and not next.startswith("//")
                                else "/", 303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", 303)

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, document: str = "", region: str = "",
                   status: str = "pending"):
        if not reviewer(request):
            return login_redirect(request)
        rows = service.queue(Filters(document or None, region or None, status or None))
        return page(request, "queue.html", rows=rows[:500], count=len(rows),
                    documents=service.documents(), regions=service.regions(),
                    filters={"document": document, "region": region, "status": status},
                    statuses=["pending", "auto", "reviewed", "unmatched", "ignored"])

    @app.get("/item/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: str, q: str = ""):
        if not reviewer(request):
            return login_redirect(request)
        try:
            item = service.item(item_id)
        except ReviewError:
            raise HTTPException(404, "no such item") from None
        queue = [r["item_id"] for r in service.queue()]
        position = queue.index(item_id) if item_id in queue else -1
        nxt = queue[position + 1] if 0 <= position < len(queue) - 1 else None
        prev = queue[position - 1] if position > 0 else None
        return page(request, "item.html", item=item, q=q, results=service.search(q),
                    next_id=nxt, prev_id=prev, has_crop=item["bbox_x0"] is not None)

    @app.get("/item/{item_id}/crop.png")
    def crop(request: Request, item_id: str):
        if not reviewer(request):
            raise HTTPException(401, "sign in first")
        try:
            png = service.crop_png(item_id)
        except ReviewError:
            raise HTTPException(404, "no such item") from None
        if png is None:
            raise HTTPException(404, "no page image for this item")
        return Response(png, media_type="image/png")

    @app.post("/item/{item_id}/decide")
    def decide(request: Request, item_id: str, csrf: str = Form(""), action: str = Form(""),
               initiative_id: str = Form(""), new_name: str = Form(""),
               all_identical: str = Form("")):
        name = reviewer(request)
        if not name:
            raise HTTPException(401, "sign in first")
        check_csrf(request, csrf)
        queue_before = [r["item_id"] for r in service.queue()]
        try:
            service.decide(item_id, name, action, initiative_id=initiative_id or None,
                           new_name=new_name or None, all_identical=bool(all_identical))
        except ReviewError as err:
            raise HTTPException(400, str(err)) from None
        queue_after = {r["item_id"] for r in service.queue()}
        later = [i for i in queue_before[queue_before.index(item_id) + 1:]
                 if i in queue_after] if item_id in queue_before else []
        target = later[0] if later else next(iter(sorted(queue_after)), None)
        return RedirectResponse(f"/item/{target}" if target else "/", 303)

    return app
