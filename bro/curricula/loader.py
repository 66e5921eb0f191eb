"""Safe YAML loading that remembers where every value came from.

Documents are composed (no object construction) and the node graph is walked
into plain Python values. The walk counts every node it expands, so an alias
bomb ("billion laughs") is refused after a bounded amount of work instead of
being expanded.

Composing uses libyaml (``yaml.CSafeLoader``; its nodes carry the same line
and column marks) when PyYAML has it, and the pure-Python ``yaml.SafeLoader``
otherwise. libyaml's composer recurses on the C stack without a bound, so it
is used only when the text cannot nest deeper than ``C_COMPOSER_MAX_NESTING``
(every level of nesting needs one of ``[ { - : ?``: the text is counted
first). Files with a syntax error are composed again with the pure loader, so
the message and its position are the same whichever composer read the file.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import CurriculumError
from .messages import Grouped, Message, msg

MAX_FILE_BYTES = 1024 * 1024
MAX_DOCUMENTS_PER_FILE = 200  # a file of thousands of tiny documents costs seconds and megabytes of errors
MAX_EXPANDED_NODES = 100_000
MAX_ALIAS_USES = 100
MAX_NESTING_DEPTH = 50

Position = tuple[int, int]

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null")}
_TIMESTAMP_TAG = f"{_CORE}timestamp"
_MERGE_TAG = f"{_CORE}merge"
_SEQUENCE_TAG = f"{_CORE}seq"
_MAPPING_TAG = f"{_CORE}map"
_STR_TAG = f"{_CORE}str"
_CONSTRUCTOR = SafeConstructor()

try:  # libyaml, when PyYAML was built with it
    from yaml import CSafeLoader as _FAST_LOADER
except ImportError:  # pragma: no cover - depends on the installation
    _FAST_LOADER = None
#: texts with at most this many characters that can open a level of nesting are composed by libyaml (its composer
#: recursed ~20,000 levels on an 8 MiB thread stack before crashing: a margin of four)
C_COMPOSER_MAX_NESTING = 5_000
_NESTING_CHARACTERS = "[{-:?"


def _loader_for(text: str):
    """libyaml's loader when it is there and the text cannot nest deeply enough to exhaust the C stack."""
    if _FAST_LOADER is None:
        return yaml.SafeLoader
    openers = 0
    for character in _NESTING_CHARACTERS:
        openers += text.count(character)
        if openers > C_COMPOSER_MAX_NESTING:
            return yaml.SafeLoader
    return _FAST_LOADER


def _compose(text: str, loader, max_documents: int, filename: str):
    """The root nodes of ``text`` (at most ``max_documents``, plus an empty trailing one), or a LoadResult that
    refuses the file for having too many documents."""
    roots: list[Node] = []
    trailing: Node | None = None  # an empty document after the last allowed one (a stray final '---')
    for root in yaml.compose_all(text, Loader=loader):
        if len(roots) >= max_documents:
            if trailing is not None or not _is_empty(root):
                return LoadResult([], [too_many_documents_error(filename, trailing or root, max_documents)])
            trailing = root
            continue
        roots.append(root)
    return roots


@dataclass
class LoadedDocument:
    """One YAML document as plain values, with the position of every field.

    ``value_positions`` maps a field path (``steps[2].weight``; ``""`` for the
    document itself) to the 1-based (line, column) of its value;
    ``key_positions`` maps a mapping field's path to the position of its key.
    """

    data: Any
    value_positions: dict[str, Position] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)

    @property
    def position(self) -> Position:
        return self.value_positions.get("", (1, 1))


@dataclass
class LoadResult:
    """Documents read from one file and the problems found while reading."""

    documents: list[LoadedDocument]
    errors: list[CurriculumError]


class _Refused(Exception):
    """A document cannot be read safely; carries the position of the cause."""

    def __init__(self, node: Node | None, path: str, message: str) -> None:
        super().__init__(message)
        self.position = _position(node) if node is not None else (1, 1)
        self.path = path
        self.message = message


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def join_path(path: str, key: str) -> str:
    """The path of field ``key`` inside the mapping at ``path``."""
    return f"{path}.{key}" if path else key


def index_path(path: str, index: int) -> str:
    """The path of item ``index`` (0-based) of the sequence at ``path``."""
    return f"{path}[{index}]"


class _Walker:
    """Turns composed nodes into plain values under shared work limits."""

    def __init__(self, filename: str, errors: list[CurriculumError]) -> None:
        self.filename = filename
        self.errors = errors
        self.expanded = 0
        self.alias_uses = 0
        self.seen: set[int] = set()

    def document(self, root: Node) -> LoadedDocument:
        document = LoadedDocument(data=None)
        document.data = self.node(root, "", document, active=set(), depth=0)
        return document

    def node(self, node: Node, path: str, document: LoadedDocument, active: set[int], depth: int) -> Any:
        self.count(node, path)
        if depth > MAX_NESTING_DEPTH and id(node) not in active:
            raise _Refused(node, path, msg("values are nested more than %(depth)s levels deep", depth=MAX_NESTING_DEPTH))
        if node.__class__ is ScalarNode:  # most nodes: no alias can contain itself through a scalar
            if path not in document.value_positions:
                mark = node.start_mark
                document.value_positions[path] = (mark.line + 1, mark.column + 1)
            if node.tag == _STR_TAG:  # what SafeConstructor's str constructor returns, without its calls
                return node.value
            return self.scalar(node, path)
        if id(node) in active:
            raise _Refused(node, path, msg("an alias refers to the value that contains it; remove the recursive alias"))
        document.value_positions.setdefault(path, _position(node))
        if isinstance(node, ScalarNode):  # a subclass of ScalarNode
            return self.scalar(node, path)
        active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self.require_tag(node, path, {_SEQUENCE_TAG})
                return [
                    self.node(item, index_path(path, index), document, active, depth + 1)
                    for index, item in enumerate(node.value)
                ]
            if isinstance(node, MappingNode):
                self.require_tag(node, path, {_MAPPING_TAG})
                return self.mapping(node, path, document, active, depth)
        finally:
            active.discard(id(node))
        raise _Refused(node, path, msg("unsupported YAML node"))  # pragma: no cover

    def count(self, node: Node, path: str) -> None:
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            raise _Refused(
                node, path, msg("the file expands to more than %(limit)s values; it is too large or uses aliases to multiply content",
                            limit=MAX_EXPANDED_NODES)
            )
        if id(node) in self.seen:
            self.alias_uses += 1
            if self.alias_uses > MAX_ALIAS_USES:
                raise _Refused(node, path, msg("too many alias uses (more than %(limit)s); write the content out instead of repeating it with "
                                                  "aliases", limit=MAX_ALIAS_USES))
        else:
            # Without aliases every node is visited once; a second visit of
            # the same node object is an alias being expanded.
            self.seen.add(id(node))

    def mapping(self, node: MappingNode, path: str, document: LoadedDocument, active: set[int], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                raise _Refused(key_node, path, msg("merge keys ('<<') are not supported; write the fields out"))
            if not isinstance(key_node, ScalarNode):
                raise _Refused(key_node, path, msg("a field name must be plain text, not a list or mapping"))
            self.count(key_node, path)
            key = str(key_node.value)
            key_path = f"{path}.{key}" if path else key  # join_path
            if key in first_seen:
                line, column = first_seen[key]
                self.errors.append(
                    CurriculumError(
                        self.filename, *_position(key_node), key_path,
                        msg("duplicate key '%(key)s' (first defined at line %(line)s, column %(column)s); remove one of them",
                            key=key, line=line, column=column),
                    )
                )
                continue
            first_seen[key] = document.key_positions[key_path] = _position(key_node)
            result[key] = self.node(value_node, key_path, document, active, depth + 1)
        return result

    def require_tag(self, node: Node, path: str, allowed: set[str]) -> None:
        if node.tag not in allowed:
            tag = "!!" + node.tag[len(_CORE):] if node.tag.startswith(_CORE) else node.tag
            raise _Refused(node, path, msg("the YAML tag '%(tag)s' is not allowed; use plain values without tags", tag=tag))

    def scalar(self, node: ScalarNode, path: str) -> Any:
        if node.tag == _TIMESTAMP_TAG:
            return node.value  # dates are kept as the text the trainer wrote
        self.require_tag(node, path, _SCALAR_TAGS)
        try:
            return _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
        except (ValueError, OverflowError, ArithmeticError, yaml.YAMLError):
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise _Refused(node, path, msg("'%(value)s' cannot be read as a value; put text in quotes or use a shorter number",
                                              value=shown)) from None


def _error_position(error: yaml.YAMLError, text: str) -> Position:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return mark.line + 1, mark.column + 1
    offset = getattr(error, "position", None)
    if isinstance(offset, int):
        before = text[:offset]
        return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
    return 1, 1


def _syntax_message(error: yaml.YAMLError) -> Message:
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    if problem:
        detail = f"{problem} ({context})" if context else problem
    elif isinstance(error, yaml.reader.ReaderError):
        detail = f"unacceptable character #x{error.character:04x}: {error.reason}" if isinstance(error.character, int) else str(error.reason)
    else:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return msg("YAML syntax error: %(detail)s", detail=detail)  # the detail is PyYAML's own English


def load_yaml_text(text: str, filename: str, max_bytes: int = MAX_FILE_BYTES,
                   max_documents: int = MAX_DOCUMENTS_PER_FILE) -> LoadResult:
    """Read every document of ``text``; never raises for bad input. A file holding more than
    ``max_documents`` documents is refused as a whole (composing stops at the first one too many)."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        return LoadResult([], [too_large_error(filename, size, max_bytes)])
    errors: list[CurriculumError] = []
    loader = _loader_for(text)
    try:
        try:
            roots = _compose(text, loader, max_documents, filename)
        except yaml.YAMLError:
            if loader is yaml.SafeLoader:
                raise
            # Report syntax errors as the pure loader words and places them (libyaml's wording differs).
            roots = _compose(text, yaml.SafeLoader, max_documents, filename)
    except yaml.YAMLError as error:
        line, column = _error_position(error, text)
        return LoadResult([], [CurriculumError(filename, line, column, "", _syntax_message(error))])
    except RecursionError:
        return LoadResult([], [CurriculumError(filename, 1, 1, "", msg("values are nested too deeply to read"))])
    if isinstance(roots, LoadResult):
        return roots
    if not roots:
        return LoadResult([], [CurriculumError(filename, 1, 1, "", msg("the file is empty; it needs at least one document with a 'kind'"))])
    walker = _Walker(filename, errors)
    documents: list[LoadedDocument] = []
    for root in roots:
        try:
            documents.append(walker.document(root))
        except _Refused as refused:
            errors.append(CurriculumError(filename, *refused.position, refused.path, refused.message))
            if walker.expanded > MAX_EXPANDED_NODES or walker.alias_uses > MAX_ALIAS_USES:
                break  # the limits are per file: stop reading the rest
        except RecursionError:
            errors.append(CurriculumError(filename, *_position(root), "", msg("values are nested too deeply to read")))
    return LoadResult(documents, errors)


_KEYS_SEEN: dict[bytes, list[tuple[str, str]]] = {}  # digest of a file read by load_yaml_bytes -> its keys
_KEYS_SEEN_MAX = 4096


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _remember_keys(data: bytes, documents: list[LoadedDocument]) -> None:
    if len(_KEYS_SEEN) >= _KEYS_SEEN_MAX:
        _KEYS_SEEN.clear()
    _KEYS_SEEN[_digest(data)] = [
        (document.data["kind"], document.data["id"]) for document in documents
        if isinstance(document.data, dict) and isinstance(document.data.get("kind"), str)
        and isinstance(document.data.get("id"), str)]


def document_keys(data: bytes, max_bytes: int = MAX_FILE_BYTES,
                  max_documents: int = MAX_DOCUMENTS_PER_FILE) -> list[tuple[str, str]]:
    """(kind, id) of each document of ``data`` whose top-level ``kind`` and ``id`` are plain text: remembered
    when `load_yaml_bytes` read the same bytes (a check, then an import), else read from the composed nodes
    without building the values (a file that cannot be read gives [])."""
    if len(data) > max_bytes:
        return []
    seen = _KEYS_SEEN.get(_digest(data))
    if seen is not None:
        return list(seen)
    try:
        text = data.decode("utf-8-sig")
        roots = _compose(text, _loader_for(text), max_documents, "")
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return []
    if isinstance(roots, LoadResult):
        return []
    keys = []
    for root in roots:
        if not isinstance(root, MappingNode):
            continue
        fields: dict[str, str] = {}
        for key_node, value_node in root.value:
            if isinstance(key_node, ScalarNode) and isinstance(value_node, ScalarNode) \
                    and value_node.tag == f"{_CORE}str" and key_node.value in ("kind", "id"):
                fields.setdefault(key_node.value, value_node.value)
        if "kind" in fields and "id" in fields:
            keys.append((fields["kind"], fields["id"]))
    return keys


def load_yaml_bytes(data: bytes, filename: str, max_bytes: int = MAX_FILE_BYTES,
                    max_documents: int = MAX_DOCUMENTS_PER_FILE) -> LoadResult:
    """Decode ``data`` as UTF-8 and read it; never raises for bad input."""
    if len(data) > max_bytes:
        return LoadResult([], [too_large_error(filename, len(data), max_bytes)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        return LoadResult([], [CurriculumError(filename, line, column, "", msg("the file is not UTF-8 text; save it with UTF-8 encoding"))])
    result = load_yaml_text(text, filename, max_bytes, max_documents)
    _remember_keys(data, result.documents)
    return result


def too_large_error(filename: str, size: int, max_bytes: int) -> CurriculumError:
    return CurriculumError(
        filename, 0, 0, "",
        msg("the file is %(size)s bytes, larger than the limit of %(limit)s bytes; split it into smaller files",
            size=Grouped(size), limit=Grouped(max_bytes)),
    )


def _is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == f"{_CORE}null" and node.value == ""


def too_many_documents_error(filename: str, first_extra: Node, max_documents: int) -> CurriculumError:
    return CurriculumError(
        filename, *_position(first_extra), "",
        msg("the file holds more than %(limit)s documents (this is document %(number)s); split it into smaller files",
            limit=Grouped(max_documents), number=Grouped(max_documents + 1)),
    )
