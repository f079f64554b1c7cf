"""OpenAPI shapes of the answers. The API returns ``Verdict.to_dict()`` itself; these models only describe it
(``tests/web`` checks that they list the same keys, so the description cannot drift from the contract)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .inputs import AnalyzeRequest


class EvidenceOut(BaseModel):
    code: str = Field(description="Stable evidence code, e.g. LINK_NOT_OFFICIAL.")
    detector: str
    weight: float = Field(description="Points added to the score; negative for reassuring evidence.")
    explanation: str = Field(description="Plain-language explanation in the requested language.")
    observed: list[str] = Field(description="What was seen (host, number, phrase); personal numbers masked.")
    location: str | None


class ChannelOut(BaseModel):
    name: str
    url: str


class AnomalyOut(BaseModel):
    code: str
    detail: str
    location: str | None


class FailureOut(BaseModel):
    detector: str
    error_type: str
    message: str


class VerdictOut(BaseModel):
    """Exactly ``Verdict.to_dict()``."""

    level: str = Field(description="fraud | suspicious | no_sign | unknown (never 'safe').")
    score: float = Field(ge=0, le=1)
    organisation: str | None = Field(description="Profile id of the organisation the message claims to be.")
    kind: str
    evidence: list[EvidenceOut]
    advice: list[str]
    report_to: list[ChannelOut]
    anomalies: list[AnomalyOut]
    failures: list[FailureOut]
    version: str


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    detail: str = Field(description="What is wrong, in the language asked with ?lang= (French by default).")
    code: str = Field(description="Stable error code: empty, bad_json, invalid, too_large, file_type...")
    errors: list[FieldError] = Field(default_factory=list, description="Field errors (422 only).")


class HealthOut(BaseModel):
    status: str
    version: str
    data_digest: str
    inputs: dict[str, bool] = Field(description="Which optional input readers this installation has.")


_KINDS = ["sms", "call", "voicemail", "email", "url", "phone", "image", "audio", "webpage"]


def request_body() -> dict[str, Any]:
    """The ``requestBody`` of ``POST /api/v1/analyze``: JSON, a multipart upload or a raw e-mail."""
    return {
        "required": True,
        "content": {
            "application/json": {"schema": AnalyzeRequest.model_json_schema()},
            "message/rfc822": {
                "schema": {
                    "type": "string",
                    "format": "binary",
                    "description": "A raw e-mail as the whole body (as a mail server sends it); "
                    "the language of the explanations in the query: ?lang=fr|en.",
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": ".eml, .msg, .txt, image (PNG, JPEG...), audio (WAV, MP3, OGG...) "
                            "or a saved web page (.html, .mhtml, .warc, with its url)",
                        },
                        "text": {"type": "string", "description": "Instead of a file: the message text."},
                        "kind": {"type": "string", "enum": _KINDS},
                        "sender": {"type": "string", "maxLength": 256},
                        "caller_id": {"type": "string", "maxLength": 64},
                        "url": {"type": "string", "maxLength": 8192, "description": "Address of an uploaded web page."},
                        "lang": {"type": "string", "enum": ["fr", "en"], "default": "fr"},
                    },
                }
            },
        },
    }
