"""A small, self-contained API docs page rendered from the OpenAPI schema.

FastAPI's built-in Swagger UI and ReDoc pages load their scripts from a CDN; this page is plain HTML from
our own server (no script, no outside request), so nothing leaves the host when someone reads the docs.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

#: Content-Security-Policy of the page: nothing but its own inline style.
DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h2{border-top:1px solid #ccc;padding-top:1rem}code,pre{background:#f3f3f3;border-radius:4px}
pre{padding:.75rem;overflow:auto;font-size:14px}.m{font-weight:700;color:#004c8c}
"""


def _schema_name(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    if "$ref" in ref:
        return ref["$ref"].rsplit("/", 1)[-1]
    if ref.get("type") == "array" and "items" in ref:
        return f"[{_schema_name(ref['items'])}]"
    return str(ref.get("type", ""))


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    rows = []
    for code, resp in sorted(op.get("responses", {}).items()):
        schema = resp.get("content", {}).get("application/json", {}).get("schema")
        name = _schema_name(schema)
        rows.append(f"<li><code>{escape(code)}</code> {escape(resp.get('description', ''))}"
                    + (f" – <code>{escape(name)}</code>" if name else "") + "</li>")
    parts = [f'<h3 id="{escape(op.get("operationId", ""))}"><span class="m">{method.upper()}</span> '
             f"<code>{escape(path)}</code></h3>",
             f"<p>{escape(op.get('summary', ''))}</p>"]
    if op.get("description"):
        parts.append(f"<p>{escape(op['description'])}</p>")
    if body:
        parts.append(f"<p>Body: <code>{escape(_schema_name(body))}</code></p>")
    parts.append("<ul>" + "".join(rows) + "</ul>")
    return "\n".join(parts)


def docs_html(spec: dict[str, Any]) -> str:
    """The docs page for an OpenAPI document."""
    info = spec.get("info", {})
    ops = [_operation(path, method, op) for path, methods in spec.get("paths", {}).items()
           for method, op in methods.items()]
    schemas = spec.get("components", {}).get("schemas", {})
    models = [f'<h3 id="schema-{escape(name)}">{escape(name)}</h3><pre>{escape(json.dumps(s, indent=2, ensure_ascii=False))}</pre>'
              for name, s in sorted(schemas.items())]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(info.get('title', 'API'))}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{escape(info.get('title', 'API'))} <small>{escape(info.get('version', ''))}</small></h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        '<p>Machine-readable schema: <a href="openapi.json">openapi.json</a>. '
        'Errors are JSON with <code>error.code</code>, <code>error.message_nb</code> and '
        '<code>error.message_en</code>.</p>'
        "<h2>Endpoints</h2>" + "\n".join(ops) + "<h2>Schemas</h2>" + "\n".join(models) +
        "</main></body></html>"
    )
