"""Reading a Bot API call's parameters the ways Telegram accepts them.

Query string (GET), JSON body, ``application/x-www-form-urlencoded`` and ``multipart/form-data``
(aiogram always sends the last one; nested objects then arrive as JSON strings and files as
parts referenced by ``attach://<name>`` or named after the parameter itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from bot.channels.emulator.errors import bad_request


@dataclass(frozen=True, slots=True)
class UploadedFile:
    data: bytes
    file_name: str | None
    content_type: str | None


@dataclass(slots=True)
class ApiParams:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def required_text(self, name: str, empty_message: str | None = None) -> str:
        value = self.text(name)
        if not value:
            raise bad_request(empty_message or f"{name} is empty")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be a number')
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a number') from None

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            # "@username" chat ids exist in Telegram; the emulator has no public channels.
            raise bad_request("chat not found") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def structured(self, name: str) -> Any:
        """A nested object or array: given as JSON text (forms) or as-is (JSON bodies)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> UploadedFile | None:
        """The file sent for parameter ``name``: ``attach://x`` or a part named ``name``."""
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"file {value} not found in the request")
            return attached
        return self.files.get(name)


async def read_params(request: web.Request) -> ApiParams:
    params = ApiParams(values=dict(request.query))
    if request.method != "POST" or not request.body_exists:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        params.values.update(body)
    elif content_type == "multipart/form-data":
        await read_multipart(await request.multipart(), params)
    else:
        form = await request.post()
        params.values.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


async def read_multipart(reader: MultipartReader, params: ApiParams) -> None:
    """Add the fields and files of a multipart body to ``params``."""
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            params.files[part.name] = UploadedFile(
                data=bytes(await part.read()),
                file_name=part.filename,
                content_type=part.headers.get("Content-Type"),
            )
        else:
            params.values[part.name] = await part.text()
