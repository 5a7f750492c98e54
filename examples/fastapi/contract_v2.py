"""The endpoints contract v2 adds (scenarios/contract-v2.md), in FastAPI's idiom.

Each one is written the way FastAPI's documentation teaches it, mistakes included: the point is to measure what
FastAPI itself does with ordinary code (a sync `Depends`, a `yield` dependency around a pool, a `ContextVar` set
by `@app.middleware("http")`), not to work around it.
"""
import asyncio
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from typing import Optional

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import conint

router = APIRouter()

# The bounds of app.py: a request cannot ask for more than 10 s of sleep or 1000 stream chunks.
Millis = conint(ge=0, le=10_000)
Chunks = conint(ge=0, le=1_000)


# -- a sync dependency of an async handler --------------------------------------------------------
def blocking_dependency(ms: Millis) -> int:
    # A plain `def` dependency: FastAPI runs it in the thread pool even though the handler is `async def`.
    time.sleep(ms / 1000)
    return ms


@router.get("/deps/async/blocking-dep")
async def deps_async_blocking_dep(slept: int = Depends(blocking_dependency)):
    return {"slept": slept}


# -- streaming -------------------------------------------------------------------------------------
def sync_chunks(chunks: int, ms: int):
    for i in range(chunks):
        time.sleep(ms / 1000)
        yield f"{i}\n"


async def async_chunks(chunks: int, ms: int):
    for i in range(chunks):
        await asyncio.sleep(ms / 1000)
        yield f"{i}\n"


@router.get("/stream/sync")
def stream_sync(chunks: Chunks, ms: Millis):
    # Starlette pulls each item of a plain iterator with one thread-pool call (iterate_in_threadpool).
    return StreamingResponse(sync_chunks(chunks, ms), media_type="text/plain")


@router.get("/stream/async")
async def stream_async(chunks: Chunks, ms: Millis):
    return StreamingResponse(async_chunks(chunks, ms), media_type="text/plain")


# -- a pooled resource through a `yield` dependency (fastapi/fastapi#3205) ---------------------------
POOL_SIZE = 4
POOL_TIMEOUT_S = 2.0
pool_slots = threading.BoundedSemaphore(POOL_SIZE)  # stands in for a database connection pool of 4


def pooled_connection():
    # Setup runs in a thread-pool thread and blocks while the pool is empty; the 2 s timeout turns a wait that
    # would never end into a 503 the client can see.
    if not pool_slots.acquire(timeout=POOL_TIMEOUT_S):
        raise HTTPException(status_code=503, detail=f"no free connection in the pool of {POOL_SIZE} within 2 s")
    try:
        yield "connection"
    finally:
        pool_slots.release()


@router.get("/resources/sync/pool")
def resources_sync_pool(ms: Millis, connection: str = Depends(pooled_connection)):
    time.sleep(ms / 1000)
    return {"ok": True}


# -- errors raised in dependencies: sync handlers get sync dependencies, async get async -------------
def exploding_dependency_sync():
    raise RuntimeError("dependency exploded")


async def exploding_dependency_async():
    raise RuntimeError("dependency exploded")


def unavailable_dependency_sync():
    raise HTTPException(status_code=503, detail="dependency unavailable")


async def unavailable_dependency_async():
    raise HTTPException(status_code=503, detail="dependency unavailable")


@router.get("/error/sync/depends")
def error_sync_depends(_: None = Depends(exploding_dependency_sync)):
    return {"unreachable": True}


@router.get("/error/async/depends")
async def error_async_depends(_: None = Depends(exploding_dependency_async)):
    return {"unreachable": True}


@router.get("/error/sync/depends-http")
def error_sync_depends_http(_: None = Depends(unavailable_dependency_sync)):
    return {"unreachable": True}


@router.get("/error/async/depends-http")
async def error_async_depends_http(_: None = Depends(unavailable_dependency_async)):
    return {"unreachable": True}


# -- request context: a ContextVar set by HTTP middleware ---------------------------------------------
request_id: ContextVar[Optional[str]] = ContextVar("request_id", default=None)
dependency_mark: ContextVar[Optional[str]] = ContextVar("dependency_mark", default=None)


async def remember_request_id(request: Request, call_next):
    """Registered with `@app.middleware("http")` in app.py, as FastAPI's docs show middleware."""
    token = request_id.set(request.headers.get("x-request-id"))
    try:
        return await call_next(request)
    finally:
        request_id.reset(token)


@router.get("/context/sync")
def context_sync(ms: Millis):
    time.sleep(ms / 1000)
    return {"rid": request_id.get()}


@router.get("/context/async")
async def context_async(ms: Millis):
    await asyncio.sleep(ms / 1000)
    return {"rid": request_id.get()}


def mark_context_sync() -> None:
    dependency_mark.set("dep")


async def mark_context_async() -> None:
    dependency_mark.set("dep")


@router.get("/context/sync/dep-writes")
def context_sync_dep_writes(_: None = Depends(mark_context_sync)):
    return {"seen": dependency_mark.get()}


@router.get("/context/async/dep-writes")
async def context_async_dep_writes(_: None = Depends(mark_context_async)):
    return {"seen": dependency_mark.get()}


# -- progress of background tasks and of client-abandoned work, by key --------------------------------
class Progress:
    """State per key, shared between the loop and pool threads; the oldest keys go first past `limit`."""

    def __init__(self, limit: int = 10_000):
        self._entries: "OrderedDict[str, dict]" = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def set(self, key: str, **fields) -> None:
        with self._lock:
            entry = self._entries.setdefault(key, {})
            entry.update(fields)
            self._entries.move_to_end(key)
            while len(self._entries) > self._limit:
                self._entries.popitem(last=False)

    def step(self, key: str) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry["steps"] += 1

    def get(self, key: str) -> Optional[dict]:
        with self._lock:
            entry = self._entries.get(key)
            return dict(entry) if entry is not None else None


background = Progress()
work = Progress()


def finish_later(key: str, ms: int) -> None:
    # A `def` task: Starlette's BackgroundTasks runs it in the thread pool after the response is sent.
    time.sleep(ms / 1000)
    background.set(key, state="done")


@router.post("/background/sync", status_code=202)
def background_sync(ms: Millis, tasks: BackgroundTasks, key: str = Query(..., min_length=1, max_length=200)):
    background.set(key, state="pending")
    tasks.add_task(finish_later, key, ms)
    return {"state": "pending"}


@router.get("/background/status")
def background_status(key: str = Query(..., min_length=1, max_length=200)):
    entry = background.get(key)
    return {"state": entry["state"] if entry else "unknown"}


@router.get("/work/sync")
def work_sync(ms: Millis, key: str = Query(..., min_length=1, max_length=200)):
    work.set(key, state="running", steps=0)
    for done in range(0, ms, 10):
        time.sleep(min(10, ms - done) / 1000)
        work.step(key)
    work.set(key, state="done")
    return work.get(key)


@router.get("/work/async")
async def work_async(ms: Millis, key: str = Query(..., min_length=1, max_length=200)):
    work.set(key, state="running", steps=0)
    try:
        for done in range(0, ms, 10):
            await asyncio.sleep(min(10, ms - done) / 1000)
            work.step(key)
    except asyncio.CancelledError:
        # Only if the server cancels the handler when the client goes away; record it and let it propagate.
        work.set(key, state="cancelled")
        raise
    work.set(key, state="done")
    return work.get(key)


@router.get("/work/status")
def work_status(key: str = Query(..., min_length=1, max_length=200)):
    entry = work.get(key)
    if entry is None:
        raise HTTPException(status_code=404, detail="unknown key")
    return entry
