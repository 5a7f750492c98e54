"""The unblocked conformance contract (v1 here, v2's additions in contract_v2.py) on FastAPI, written the way
FastAPI apps are written.

`def` handlers run in Starlette's thread pool; `async def` handlers run on the event loop.
Run:  python3 -m uvicorn app:app --app-dir examples/fastapi --host 127.0.0.1 --port 8000
"""
import asyncio
import hashlib
import threading
import time
from dataclasses import dataclass

from fastapi import Depends, FastAPI, Header, Path, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, conint

import contract_v2

app = FastAPI(title="unblocked contract v2 on FastAPI")
app.include_router(contract_v2.router)
app.middleware("http")(contract_v2.remember_request_id)


class Widget(BaseModel):
    id: int
    name: str


class Item(BaseModel):
    name: str
    qty: int


@dataclass
class Point:
    x: int
    y: int


BYTES = bytes([0x00, 0x01, 0x62, 0x69, 0x6E])
Millis = conint(ge=0, le=10_000)
Rounds = conint(ge=0, le=10_000_000)


def sha256_chain(rounds: int) -> str:
    d = hashlib.sha256(b"unblocked").digest()
    for _ in range(rounds):
        d = hashlib.sha256(d).digest()
    return d.hex()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/ping", response_class=PlainTextResponse)
async def ping():
    return "pong"


# -- coercion: one handler per return type, in both modes ------------------------------------
def coerce_routes(mode: str):
    def route(name, **kw):
        return app.get(f"/coerce/{mode}/{name}", **kw)

    def both(fn):
        if mode == "sync":
            return fn

        async def wrapper():
            return fn()

        wrapper.__name__ = f"{fn.__name__}_async"
        return wrapper

    route("dict")(both(lambda: {"kind": "dict", "n": 1}))
    route("model")(both(lambda: Widget(id=7, name="widget")))
    route("dataclass")(both(lambda: Point(1, 2)))
    route("str", response_class=PlainTextResponse)(both(lambda: "hello, world"))
    route("unicode", response_class=PlainTextResponse)(both(lambda: "héllo ✓"))
    route("none", status_code=204)(both(lambda: Response(status_code=204)))
    route("created", status_code=201)(both(lambda: {"created": True}))
    route("response")(both(lambda: PlainTextResponse("raw", status_code=202, headers={"x-passthrough": "1"})))
    route("int")(both(lambda: 42))
    route("float")(both(lambda: 3.5))
    route("list")(both(lambda: [1, 2, 3]))
    route("bool")(both(lambda: True))
    route("bytes")(both(lambda: Response(content=BYTES, media_type="application/octet-stream")))


coerce_routes("sync")
coerce_routes("async")


# -- extraction ------------------------------------------------------------------------------
def resolved() -> str:
    return "resolved"


@app.get("/extract/sync/path/{id}")
def path_sync(id: int = Path(...)):
    return {"id": id}


@app.get("/extract/async/path/{id}")
async def path_async(id: int = Path(...)):
    return {"id": id}


@app.get("/extract/sync/query")
def query_sync(q: str = Query(...), n: int = Query(...)):
    return {"q": q, "n": n}


@app.get("/extract/async/query")
async def query_async(q: str = Query(...), n: int = Query(...)):
    return {"q": q, "n": n}


@app.post("/extract/sync/json")
def json_sync(item: Item):
    return item


@app.post("/extract/async/json")
async def json_async(item: Item):
    return item


@app.get("/extract/sync/header")
def header_sync(x_token: str = Header(...)):
    return {"token": x_token}


@app.get("/extract/async/header")
async def header_async(x_token: str = Header(...)):
    return {"token": x_token}


@app.get("/extract/sync/depends")
def depends_sync(dep: str = Depends(resolved)):
    return {"dep": dep}


@app.get("/extract/async/depends")
async def depends_async(dep: str = Depends(resolved)):
    return {"dep": dep}


# -- shared state: sync handlers run in parallel threads --------------------------------------
class Counter:
    def __init__(self):
        self.n = 0
        self.lock = threading.Lock()


locked = Counter()
unsafe = Counter()


@app.post("/counter/locked")
def bump_locked():
    with locked.lock:
        locked.n += 1
        return {"n": locked.n}


@app.get("/counter/locked")
def read_locked():
    return {"n": locked.n}


@app.delete("/counter/locked", status_code=204)
def reset_locked():
    with locked.lock:
        locked.n = 0
    return Response(status_code=204)


@app.post("/counter/unsafe")
def bump_unsafe():
    seen = unsafe.n
    time.sleep(0.001)
    unsafe.n = seen + 1
    return {"n": unsafe.n}


@app.get("/counter/unsafe")
def read_unsafe():
    return {"n": unsafe.n}


@app.delete("/counter/unsafe", status_code=204)
def reset_unsafe():
    unsafe.n = 0
    return Response(status_code=204)


# -- scopes: Depends results are cached per request (request scope); use_cache=False is transient
class TagStore:
    def __init__(self):
        self.tag = ""


class Stamp:
    pass


@app.get("/scope/sync/request")
def scope_sync(tag: str, first: TagStore = Depends(TagStore), again: TagStore = Depends(TagStore)):
    first.tag = tag
    time.sleep(0.02)
    return {"tag": again.tag, "same": first is again}


@app.get("/scope/async/request")
async def scope_async(tag: str, first: TagStore = Depends(TagStore), again: TagStore = Depends(TagStore)):
    first.tag = tag
    await asyncio.sleep(0.02)
    return {"tag": again.tag, "same": first is again}


@app.get("/scope/sync/transient")
def transient_sync(a: Stamp = Depends(Stamp, use_cache=False), b: Stamp = Depends(Stamp, use_cache=False)):
    return {"distinct": a is not b}


@app.get("/scope/async/transient")
async def transient_async(a: Stamp = Depends(Stamp, use_cache=False), b: Stamp = Depends(Stamp, use_cache=False)):
    return {"distinct": a is not b}


# -- blocking and CPU ---------------------------------------------------------------------------
@app.get("/block/sync")
def block_sync(ms: Millis):
    time.sleep(ms / 1000)
    return {"slept": ms}


@app.get("/block/async")
async def block_async(ms: Millis):
    await asyncio.sleep(ms / 1000)
    return {"slept": ms}


@app.get("/block/async-blocking")
async def block_async_blocking(ms: Millis):
    time.sleep(ms / 1000)  # the classic mistake, kept on purpose
    return {"slept": ms}


@app.get("/cpu/sync")
def cpu_sync(n: Rounds):
    return {"digest": sha256_chain(n)}


@app.get("/cpu/offload")
async def cpu_offload(n: Rounds):
    return {"digest": await asyncio.to_thread(sha256_chain, n)}


# -- errors ---------------------------------------------------------------------------------------
@app.get("/error/sync")
def error_sync():
    raise RuntimeError("deliberate failure in a sync handler")


@app.get("/error/async")
async def error_async():
    raise RuntimeError("deliberate failure in an async handler")
