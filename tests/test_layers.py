"""The layers stay layered: imports only go down (docs/architecture.md).

scheduling/ is pure (no web, database or Redis library, nothing from realtime or festival);
realtime/ may use scheduling but never festival. The scanner reads every module's source with
``ast`` (nothing is imported), so an import hidden inside a function or behind TYPE_CHECKING
counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Libraries of the I/O edge: the application, web, database, Redis, templates, servers.
EDGE_LIBRARIES = frozenset(
    {
        "starlette",
        "sqlalchemy",
        "sqlmodel",
        "redis",
        "asyncpg",
        "aiosqlite",
        "jinja2",
        "uvicorn",
        "websockets",
        "alembic",
        "httpx",
    }
)

#: For each layer, the top-level packages its modules may never import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "scheduling": EDGE_LIBRARIES | {"festival", "realtime"},
    "realtime": frozenset({"festival"}),
}


#: The Sans-I/O core of realtime/: it parses, decides and encodes, and never awaits a socket,
#: a store or a timer (docs/architecture.md). Named, so a module is checked as soon as it
#: exists; a package stands for every module in it.
SANS_IO_CORE = (
    "realtime.protocol",
    "realtime.session",
    "realtime.events",
    "realtime.fields",
    "realtime.identity",
    "realtime.limits",
    "realtime.errors",
    "realtime.frames",
    "realtime.snapshots",
    "realtime.lease",
    "realtime.backplane",
    "realtime.wire",
    "realtime.rooms",
)
#: What the core never imports: the event loop and every library of the I/O edge.
CORE_FORBIDDEN = EDGE_LIBRARIES | {"asyncio", "festival"}


def in_core(module: str, core: tuple[str, ...] = SANS_IO_CORE) -> bool:
    """Whether ``module`` is one of the core's modules (or in one of its packages)."""
    return any(module == name or module.startswith(name + ".") for name in core)


def module_name(path: Path, root: Path = ROOT) -> str:
    """``scheduling/tz.py`` -> ``scheduling.tz``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of ``from <level dots><target> import ...`` inside ``module``."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    keep = len(package) - (level - 1)
    base = package[: max(keep, 0)]
    return ".".join([*base, *([target] if target else [])])


def imported_modules(source: str, module: str = "", is_package: bool = False) -> set[str]:
    """Every module name ``source`` imports, absolute, including string ``import_module`` calls."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            found.add(base)
            # ``from . import festival`` / ``from pkg import sub``: the names may be modules.
            found.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return {name for name in found if name}


def violations(
    source: str, module: str, forbidden: frozenset[str], is_package: bool = False
) -> list[str]:
    """Sorted ``module -> imported`` lines for every import whose top package is forbidden."""
    return sorted(
        f"{module} -> {name}"
        for name in imported_modules(source, module, is_package)
        if name.split(".", 1)[0] in forbidden
    )


def core_files(root: Path = ROOT, core: tuple[str, ...] = SANS_IO_CORE) -> list[Path]:
    """The core's source files that exist now."""
    return [
        p for p in sorted((root / "realtime").rglob("*.py")) if in_core(module_name(p, root), core)
    ]


def module_file(module: str, root: Path = ROOT) -> Path | None:
    """The file that defines ``module`` under ``root`` (a module or a package), if any."""
    base = root.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def loaded_with(module: str, root: Path = ROOT) -> dict[str, str]:
    """Every module of ``root``'s packages that importing ``module`` loads, with the chain that
    loads it: its own imports, theirs, and each package's ``__init__`` on the way
    (importing ``realtime.broker.shared`` runs ``realtime/broker/__init__.py`` first)."""
    chains = {module: module}
    todo = [module]
    while todo:
        current = todo.pop()
        path = module_file(current, root)
        if path is None:
            continue
        names = imported_modules(path.read_text("utf-8"), current, path.name == "__init__.py")
        for name in sorted(names):
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate not in chains and module_file(candidate, root) is not None:
                    chains[candidate] = f"{chains[current]} -> {candidate}"
                    todo.append(candidate)
    return chains


def layer_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


# --- the scanner itself (so the real checks below can fail) ----------------------------------


def test_scanner_finds_plain_from_and_nested_imports() -> None:
    source = (
        "import os\n"
        "import sqlalchemy.orm as orm\n"
        "from starlette.requests import Request\n"
        "def f():\n"
        "    from festival.db import make_engine\n"
        "    return make_engine\n"
    )
    assert imported_modules(source) == {
        "os",
        "sqlalchemy.orm",
        "starlette.requests",
        "starlette.requests.Request",
        "festival.db",
        "festival.db.make_engine",
    }


def test_scanner_resolves_relative_imports() -> None:
    assert imported_modules("from ..festival import db\n", "scheduling.tz") == {
        "festival",
        "festival.db",
    }
    assert imported_modules("from . import tz\n", "scheduling", is_package=True) == {
        "scheduling",
        "scheduling.tz",
    }


def test_scanner_sees_type_checking_and_import_module() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import importlib\n"
        "if TYPE_CHECKING:\n"
        "    import redis\n"
        "engine = importlib.import_module('sqlmodel')\n"
    )
    assert imported_modules(source) >= {"redis", "sqlmodel"}


def test_violations_reports_forbidden_top_packages_only() -> None:
    source = "import sqlalchemy.orm\nimport datetime\nfrom scheduling import tz\n"
    assert violations(source, "scheduling.fake", FORBIDDEN["scheduling"]) == [
        "scheduling.fake -> sqlalchemy.orm"
    ]


def test_violations_realtime_importing_festival_is_caught() -> None:
    source = "from festival.settings import Settings\nfrom scheduling import tz\n"
    assert violations(source, "realtime.hub", FORBIDDEN["realtime"]) == [
        "realtime.hub -> festival.settings",
        "realtime.hub -> festival.settings.Settings",
    ]


def test_module_name_maps_files_and_packages() -> None:
    assert module_name(ROOT / "scheduling" / "tz.py") == "scheduling.tz"
    assert module_name(ROOT / "realtime" / "__init__.py") == "realtime"


def test_violations_core_importing_the_event_loop_or_the_edge_is_caught() -> None:
    source = (
        "import asyncio\n"
        "from redis.asyncio import Redis\n"
        "from starlette.websockets import WebSocket\n"
        "from realtime.errors import RoomError\n"
        "import orjson\n"
    )
    assert violations(source, "realtime.rooms.chat", CORE_FORBIDDEN) == [
        "realtime.rooms.chat -> asyncio",
        "realtime.rooms.chat -> redis.asyncio",
        "realtime.rooms.chat -> redis.asyncio.Redis",
        "realtime.rooms.chat -> starlette.websockets",
        "realtime.rooms.chat -> starlette.websockets.WebSocket",
    ]


def test_core_names_modules_and_packages() -> None:
    assert in_core("realtime.protocol") and in_core("realtime.rooms.qa")
    assert in_core("realtime.lease")  # not written yet when the rule was: checked once it is
    assert not in_core("realtime.runtime") and not in_core("realtime.protocols")
    assert not in_core("realtime") and not in_core("realtime.broker.redis")


def test_core_files_are_found(tmp_path: Path) -> None:
    for name in (
        "realtime/__init__.py",
        "realtime/session.py",
        "realtime/hub.py",
        "realtime/rooms/__init__.py",
        "realtime/rooms/qa.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = [module_name(p, tmp_path) for p in core_files(tmp_path)]
    assert found == ["realtime.rooms", "realtime.rooms.qa", "realtime.session"]


# --- the real tree ---------------------------------------------------------------------------


def test_layer_files_are_found() -> None:
    found = {module_name(p) for p in layer_files("scheduling")}
    assert {"scheduling", "scheduling.tz", "scheduling.window"} <= found
    assert "realtime" in {module_name(p) for p in layer_files("realtime")}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_go_down(layer: str) -> None:
    problems: list[str] = []
    for path in layer_files(layer):
        problems += violations(
            path.read_text("utf-8"),
            module_name(path),
            FORBIDDEN[layer],
            is_package=path.name == "__init__.py",
        )
    assert problems == []


def test_core_is_found() -> None:
    found = {module_name(p) for p in core_files()}
    assert {"realtime.protocol", "realtime.session", "realtime.rooms.room"} <= found


def test_core_imports_no_event_loop_and_no_io_library() -> None:
    problems: list[str] = []
    for path in core_files():
        problems += violations(
            path.read_text("utf-8"),
            module_name(path),
            CORE_FORBIDDEN,
            is_package=path.name == "__init__.py",
        )
    assert problems == []


def test_loaded_with_follows_imports_and_package_inits(tmp_path: Path) -> None:
    (tmp_path / "realtime" / "broker").mkdir(parents=True)
    (tmp_path / "realtime" / "__init__.py").write_text("")
    (tmp_path / "realtime" / "lease.py").write_text("from realtime.broker.shared import Claim\n")
    (tmp_path / "realtime" / "broker" / "__init__.py").write_text("from . import redis\n")
    (tmp_path / "realtime" / "broker" / "shared.py").write_text("Claim = 1\n")
    (tmp_path / "realtime" / "broker" / "redis.py").write_text("import redis.asyncio\n")
    assert loaded_with("realtime.lease", tmp_path) == {
        "realtime.lease": "realtime.lease",
        "realtime": "realtime.lease -> realtime",
        "realtime.broker": "realtime.lease -> realtime.broker",
        "realtime.broker.shared": "realtime.lease -> realtime.broker.shared",
        "realtime.broker.redis": "realtime.lease -> realtime.broker -> realtime.broker.redis",
    }


def test_core_loads_no_event_loop_and_no_io_library_through_other_modules() -> None:
    """What a core module imports must be as free of I/O as the module itself: the rule above
    reads each file alone, this one follows what loading it loads."""
    problems: set[str] = set()
    for path in core_files():
        for loaded, chain in loaded_with(module_name(path)).items():
            loaded_path = module_file(loaded)
            assert loaded_path is not None
            source = loaded_path.read_text("utf-8")
            is_package = loaded_path.name == "__init__.py"
            for line in violations(source, loaded, CORE_FORBIDDEN, is_package):
                problems.add(f"{chain}: {line}")
    assert sorted(problems) == []
