"""The FastAPI reference of `make bench`: the users service's ping as a FastAPI route.

A stand-in for fastapi/full-stack-fastapi-template's health check (an async route answering
JSON), served as that template's image serves it: uvicorn with 4 workers, uvloop and httptools
(`fastapi run --workers 4`). bench/run.py starts it with access logs off, like every server it
measures.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/users/ping")
async def ping() -> dict[str, str]:
    return {"status": "success", "message": "pong!"}
