"""Benchmark frameworks are data files: this module loads and checks them.

The shipped files are in ``benchmarks/frameworks/``; directories named by the setting
``BENCHMARK_FRAMEWORK_DIRS`` are read after them, and a file there with the same ``slug``
replaces the shipped one. That is how an organisation holding a scheme owner's permission
loads the official wording without changing code (docs/frameworks.md).

Every file is checked against ``frameworks/schema.json`` and then for what a schema
cannot say (levels that exist, unique keys, known measures). A bad file stops start-up
with a message naming the file and where in it the problem is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

SHIPPED_DIR = Path(__file__).resolve().parent / "frameworks"
SCHEMA_FILE = SHIPPED_DIR / "schema.json"
SUFFIXES = (".yaml", ".yml", ".json")

CHECKLIST = "checklist"


class FrameworkError(ImproperlyConfigured):
    """A framework file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    summary: str


@dataclass(frozen=True)
class Requirement:
    key: str
    level: str
    text: str
    evidence_prompts: tuple[str, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    summary: str
    guidance: str
    requirements: tuple[Requirement, ...]

    def measures(self) -> tuple[str, ...]:
        """The live-evidence measures any of this criterion's requirements name, in order."""
        return tuple(dict.fromkeys(m for r in self.requirements for m in r.measures))


@dataclass(frozen=True)
class Framework:
    slug: str
    name: str
    owner: str
    reference_url: str
    wording_note: str
    description: str
    kind: str
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    #: The file it came from, for messages and the framework page.
    source: str
    #: SHA-256 of the file's content, so a signed-off assessment can show what it used.
    content_hash: str
    #: The file's content as loaded: what an assessment stores as its own copy.
    data: Mapping[str, Any]

    @property
    def is_checklist(self) -> bool:
        return self.kind == CHECKLIST

    @property
    def level_keys(self) -> tuple[str, ...]:
        return tuple(level.key for level in self.levels)

    def level(self, key: str | None) -> Level | None:
        return next((level for level in self.levels if level.key == key), None)

    def level_name(self, key: str | None) -> str:
        level = self.level(key)
        return level.name if level else ""

    def criterion(self, key: str) -> Criterion | None:
        return next((criterion for criterion in self.criteria if criterion.key == key), None)

    def requirements(self) -> Iterable[tuple[Criterion, Requirement]]:
        for criterion in self.criteria:
            for requirement in criterion.requirements:
                yield criterion, requirement

    def measures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for c in self.criteria for m in c.measures()))


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def json_path(path: Iterable[str | int]) -> str:
    """``["criteria", 2, "requirements", 0]`` → ``criteria[2].requirements[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _schema_problem(error: SchemaError) -> str:
    return f"{json_path(error.absolute_path)}: {error.message}"


def _cross_check(data: Mapping[str, Any], measure_names: Collection[str] | None) -> list[str]:
    """What the schema cannot say. Each problem is ``<json path>: <message>``."""
    problems: list[str] = []
    level_keys = [level["key"] for level in data["levels"]]
    for index, key in enumerate(level_keys):
        if level_keys.index(key) != index:
            problems.append(f"levels[{index}].key: {key!r} is used by more than one level")
    if data["kind"] == CHECKLIST and len(level_keys) != 1:
        problems.append("levels: a checklist has exactly one level")
    criterion_keys: set[str] = set()
    requirement_keys: set[str] = set()
    for c_index, criterion in enumerate(data["criteria"]):
        where = f"criteria[{c_index}]"
        if criterion["key"] in criterion_keys:
            problems.append(f"{where}.key: {criterion['key']!r} is used by more than one criterion")
        criterion_keys.add(criterion["key"])
        used_levels: set[str] = set()
        for r_index, requirement in enumerate(criterion["requirements"]):
            at = f"{where}.requirements[{r_index}]"
            if requirement["key"] in requirement_keys:
                problems.append(
                    f"{at}.key: {requirement['key']!r} is used by more than one requirement"
                )
            requirement_keys.add(requirement["key"])
            if requirement["level"] not in level_keys:
                problems.append(
                    f"{at}.level: {requirement['level']!r} is not one of the levels "
                    f"({', '.join(level_keys)})"
                )
            used_levels.add(requirement["level"])
            for m_index, name in enumerate(requirement.get("measures", [])):
                if measure_names is not None and name not in measure_names:
                    problems.append(
                        f"{at}.measures[{m_index}]: {name!r} is not a known measure "
                        f"(see benchmarks/measures.py)"
                    )
        # A level with no requirement in a criterion would be reached for doing nothing.
        for key in level_keys:
            if key not in used_levels:
                problems.append(f"{where}.requirements: no requirement at level {key!r}")
    return problems


def content_hash(data: Mapping[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_framework(
    data: Any, *, source: str, measure_names: Collection[str] | None = None
) -> Framework:
    """Check ``data`` (a loaded file) and build the framework; raise ``FrameworkError``.

    ``measure_names`` is the registry to check measure names against; ``None`` skips that
    check (an assessment's stored copy is read back even if a measure was retired since).
    """
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise FrameworkError(f"{source}: {_schema_problem(errors[0])}")
    problems = _cross_check(data, measure_names)
    if problems:
        raise FrameworkError(f"{source}: {problems[0]}")
    return Framework(
        slug=data["slug"],
        name=data["name"],
        owner=data["owner"],
        reference_url=data["reference_url"],
        wording_note=data["wording_note"].strip(),
        description=data.get("description", "").strip(),
        kind=data["kind"],
        levels=tuple(Level(lv["key"], lv["name"], lv["summary"].strip()) for lv in data["levels"]),
        criteria=tuple(
            Criterion(
                key=c["key"],
                title=c["title"],
                summary=c["summary"].strip(),
                guidance=c.get("guidance", "").strip(),
                requirements=tuple(
                    Requirement(
                        key=r["key"],
                        level=r["level"],
                        text=r["text"].strip(),
                        evidence_prompts=tuple(r.get("evidence_prompts", [])),
                        measures=tuple(r.get("measures", [])),
                    )
                    for r in c["requirements"]
                ),
            )
            for c in data["criteria"]
        ),
        source=source,
        content_hash=content_hash(data),
        data=data,
    )


def load_file(path: Path, *, label: str, measure_names: Collection[str] | None) -> Framework:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{label}: cannot be read ({exc})") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise FrameworkError(f"{label}: not valid {kind}: {exc}") from exc
    return parse_framework(data, source=label, measure_names=measure_names)


def _files(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix in SUFFIXES and p.name != SCHEMA_FILE.name
    )


def load_frameworks(
    extra_dirs: Sequence[Path], *, measure_names: Collection[str] | None
) -> dict[str, Framework]:
    """The shipped frameworks, then each extra directory's, a later slug replacing an earlier."""
    found: dict[str, Framework] = {}
    for directory, shipped in [(SHIPPED_DIR, True), *((Path(d), False) for d in extra_dirs)]:
        if not directory.is_dir():
            raise FrameworkError(f"BENCHMARK_FRAMEWORK_DIRS: {directory} is not a directory")
        seen_here: dict[str, str] = {}
        for path in _files(directory):
            label = path.name if shipped else str(path)
            framework = load_file(path, label=label, measure_names=measure_names)
            if framework.slug in seen_here:
                raise FrameworkError(
                    f"{label}: slug {framework.slug!r} is also used by {seen_here[framework.slug]}"
                )
            seen_here[framework.slug] = label
            found[framework.slug] = framework
    return found


_loaded: dict[str, Framework] | None = None


def frameworks() -> dict[str, Framework]:
    """Every framework available on this deployment, by slug, loaded once."""
    global _loaded  # one registry per process, rebuilt when settings change
    if _loaded is None:
        from benchmarks.measures import measure_names

        _loaded = load_frameworks(
            [Path(d) for d in settings.BENCHMARK_FRAMEWORK_DIRS], measure_names=measure_names()
        )
    return _loaded


def get_framework(slug: str) -> Framework | None:
    return frameworks().get(slug)


def reset() -> None:
    global _loaded
    _loaded = None


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "BENCHMARK_FRAMEWORK_DIRS":
        reset()
