"""The OpenAPI document as plain lists for the reference page (every endpoint, its parameters, body and
answers, then every schema) — bundled with bro, so the reference needs no script from elsewhere."""
from __future__ import annotations

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict | None) -> str:
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    if kind == "array":
        return f"array of {_type(schema.get('items'))}"
    if schema.get("enum"):
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def _content(content: dict | None) -> list[tuple[str, str]]:
    return [(media, _type(body.get("schema"))) for media, body in (content or {}).items()]


def reference_from_spec(spec: dict) -> dict:
    tags = {tag["name"]: {"name": tag["name"], "description": tag.get("description", ""), "operations": []}
            for tag in spec.get("tags", [])}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                           "type": _type(p.get("schema")), "description": p.get("description", "")}
                          for p in shared + operation.get("parameters", [])]
            responses = [{"status": status, "description": answer.get("description", ""),
                          "content": _content(answer.get("content"))}
                         for status, answer in operation.get("responses", {}).items() if "$ref" not in answer]
            responses += [{"status": status, "description": "problem details",
                           "content": [("application/problem+json", "Problem")]}
                          for status, answer in operation.get("responses", {}).items() if "$ref" in answer]
            entry = {"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                     "description": operation.get("description", ""), "parameters": parameters,
                     "body": _content(operation.get("requestBody", {}).get("content")),
                     "responses": responses, "anchor": f"{method}-{path}".replace("/", "-").strip("-")}
            for tag in operation.get("tags", ["other"]):
                tags.setdefault(tag, {"name": tag, "description": "", "operations": []})["operations"].append(entry)
    schemas = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        schemas.append({"name": name, "properties": [
            {"name": prop, "type": _type(body), "required": prop in required,
             "nullable": "null" in (body.get("type") or []) if isinstance(body.get("type"), list) else False,
             "description": body.get("description", "")}
            for prop, body in schema.get("properties", {}).items()]})
    return {"title": spec.get("info", {}).get("title", ""), "version": spec.get("info", {}).get("version", ""),
            "openapi": spec.get("openapi", ""), "tags": [t for t in tags.values() if t["operations"]],
            "schemas": schemas, "schema_names": {schema["name"] for schema in schemas}}
