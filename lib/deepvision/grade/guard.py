"""Tamper guard for graded cells: put the course's checkers back before a graded cell runs.

A graded test cell asserts on a checker (``checks.check_softmax(softmax)``) and, in its hidden
block, on numpy and :mod:`deepvision.ops`. A learner's code runs in the same Python process, so it
can replace any of them (``checks.check_softmax = lambda f: True``, ``np.allclose = ...``, a
function's ``__code__``, a builtin) or hook IPython so that errors vanish (``set_custom_exc``, an
input transformer that empties the next cell, ``sys.excepthook``). The grader
(:mod:`deepvision.grade`) protects the graded cells in two steps:

1. :func:`snapshot`, run by the grading kernel at start-up before any learner code, records the
   original objects: every attribute of the ``deepvision`` and ``numpy`` modules (and each Python
   function's code), the class dictionaries of the course's classes, the builtins, and IPython's
   hooks.
2. :func:`restore`, run by a cell the grader inserts before every graded cell, puts back anything
   that changed, rebinds the notebook's import names (``np``, ``checks``, ``ops``...) to the real
   modules, and prints one line naming what it restored, which the grader reads and reports.

This is tamper *awareness*, not tamper *proofing*: code in the same process that is written
against this guard can still defeat it (the grader also scans submissions for such code and
flags it). Outside the grader (no snapshot) :func:`restore` only rebinds import names.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import builtins
import importlib
import sys
import types

#: Module-name prefixes whose attributes are recorded and restored in full.
GUARDED_PREFIXES = ("deepvision", "numpy")
#: Module-name prefixes whose functions and classes (not data) are recorded and restored.
MACHINERY_PREFIXES = ("IPython.core", "ipykernel")
#: Modules whose IPython event callbacks are legitimate (registered by imports, not learners).
TRUSTED_CALLBACK_MODULES = ("matplotlib", "matplotlib_inline", "IPython", "ipykernel",
                            "ipywidgets", "comm", "traitlets")
#: Builtins the kernel itself replaces on every request (stdin forwarding, IPython's trap).
KERNEL_BUILTINS = ("input", "raw_input", "getpass", "get_ipython", "exit", "quit", "display")
#: The line :func:`restore` prints; the grader looks for it in each inserted cell's output.
MARKER = "deepvision-guard:"

_SNAPSHOT: dict | None = None


def _guarded(name, prefixes):
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _function_state(value):
    if isinstance(value, types.FunctionType):
        return (value.__code__, value.__defaults__, value.__kwdefaults__)
    return None


def _record_module(module, full):
    attributes = {}
    functions = {}
    classes = {}
    for key, value in list(vars(module).items()):
        if not full and not isinstance(value, (type, types.FunctionType, types.ModuleType)):
            continue
        if key.startswith("__") and key.endswith("__") and key not in ("__getattr__",):
            continue
        attributes[key] = value
        state = _function_state(value)
        if state is not None:
            functions[id(value)] = (value, state)
        if isinstance(value, type) and getattr(value, "__module__", "") == module.__name__:
            classes[id(value)] = (value, dict(vars(value)))
    return attributes, functions, classes


def _same(current, original):
    """Identity, except that IPython re-binds methods such as ``get_ipython`` on every cell."""
    return current is original or (
        isinstance(original, types.MethodType) and current == original
    )


def restore_builtins(*args, **kwargs):
    """Put back any replaced builtin (run after every cell by the grading kernel).

    A replaced builtin such as ``bool`` breaks the kernel's own messaging, so that the kernel
    hangs before the next guard cell could repair it: this runs right after the learner's cell.
    """
    if _SNAPSHOT is None:
        return
    current = vars(builtins)
    for key, value in _SNAPSHOT["builtins"].items():
        if key not in KERNEL_BUILTINS and not _same(current.get(key, _MISSING), value):
            current[key] = value
            _SNAPSHOT["builtins_restored"].append(key)


def snapshot():
    """Record the original checkers, numpy, builtins and IPython hooks (grading kernel start-up).

    Imports :mod:`deepvision.checks` and :mod:`deepvision.ops` first so that they are recorded,
    and (in IPython) runs :func:`restore_builtins` after every cell.
    """
    global _SNAPSHOT
    importlib.import_module("deepvision.checks")
    importlib.import_module("deepvision.ops")
    modules, functions, classes = {}, {}, {}
    for name, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType) or name == __name__:
            continue
        full = _guarded(name, GUARDED_PREFIXES)
        if not full and not _guarded(name, MACHINERY_PREFIXES):
            continue
        attributes, module_functions, module_classes = _record_module(module, full)
        modules[name] = (module, attributes)
        functions.update(module_functions)
        if full:
            classes.update(module_classes)
    shell = _shell()
    if shell is not None and restore_builtins not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", restore_builtins)
    for cls in type(shell).__mro__ if shell is not None else ():
        classes[id(cls)] = (cls, dict(vars(cls)))
    _SNAPSHOT = {
        "modules": modules,
        "functions": functions,
        "classes": classes,
        "builtins": dict(vars(builtins)),
        "builtins_restored": [],
        "sys": {key: getattr(sys, key) for key in ("modules", "stdout", "stderr")},
        "shell": _shell_state(shell),
    }
    return len(modules)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the course always has IPython
        return None
    return get_ipython()


def _shell_state(shell):
    if shell is None:
        return None
    manager = shell.input_transformer_manager
    return {
        "shell": shell,
        "instance": dict(vars(shell)),
        "manager": manager,
        "cleanup": list(manager.cleanup_transforms),
        "line": list(manager.line_transforms),
        "token": list(manager.token_transformers),
        "post": list(shell.input_transformers_post),
        "ast": list(shell.ast_transformers),
        "events": {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
        "custom_exceptions": shell.custom_exceptions,
        "CustomTB": shell.CustomTB,
    }


def _trusted(callback):
    """Event callbacks the notebook's libraries register (matplotlib's inline backend...)."""
    module = getattr(callback, "__module__", None) or ""
    return _guarded(module, TRUSTED_CALLBACK_MODULES)


def _restore_shell(state, changed):
    shell = state["shell"]
    if shell.input_transformer_manager is not state["manager"]:
        shell.input_transformer_manager = state["manager"]
        changed.append("IPython input_transformer_manager")
    manager = state["manager"]
    for label, current, original in (
        ("input transformers", manager.cleanup_transforms, state["cleanup"]),
        ("line transformers", manager.line_transforms, state["line"]),
        ("token transformers", manager.token_transformers, state["token"]),
        ("post transformers", shell.input_transformers_post, state["post"]),
        ("AST transformers", shell.ast_transformers, state["ast"]),
    ):
        if current != original:
            current[:] = original
            changed.append(f"IPython {label}")
    for name, callbacks in shell.events.callbacks.items():
        original = state["events"].get(name, [])
        kept = [c for c in callbacks if c in original or _trusted(c)]
        kept += [c for c in original if c not in kept]
        if kept != callbacks:
            callbacks[:] = kept
            changed.append(f"IPython {name} event callbacks")
    if shell.custom_exceptions != state["custom_exceptions"] or shell.CustomTB != state["CustomTB"]:
        shell.custom_exceptions = state["custom_exceptions"]
        shell.CustomTB = state["CustomTB"]
        changed.append("IPython custom exception handler")
    for key in list(vars(shell)):
        value = vars(shell)[key]
        if callable(value) and not isinstance(value, type) and key not in state["instance"]:
            delattr(shell, key)
            changed.append(f"IPython shell.{key}")
        elif key in state["instance"] and callable(state["instance"][key]):
            if value is not state["instance"][key]:
                setattr(shell, key, state["instance"][key])
                changed.append(f"IPython shell.{key}")


def _restore_snapshot(changed):
    state = _SNAPSHOT
    for key, value in state["sys"].items():
        if getattr(sys, key) is not value:
            setattr(sys, key, value)
            changed.append(f"sys.{key}")
    if sys.gettrace() is not None:
        sys.settrace(None)
        changed.append("sys.settrace hook")
    if sys.getprofile() is not None:
        sys.setprofile(None)
        changed.append("sys.setprofile hook")
    changed.extend(f"builtins.{key}" for key in state["builtins_restored"])
    state["builtins_restored"].clear()
    current_builtins = vars(builtins)
    for key, value in state["builtins"].items():
        if key in KERNEL_BUILTINS:
            continue
        if not _same(current_builtins.get(key, _MISSING), value):
            current_builtins[key] = value
            changed.append(f"builtins.{key}")
    for name, (module, attributes) in state["modules"].items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            changed.append(f"sys.modules[{name!r}]")
        namespace = vars(module)
        for key, value in attributes.items():
            if namespace.get(key, _MISSING) is not value:
                namespace[key] = value
                changed.append(f"{name}.{key}")
    for function, (code, defaults, kwdefaults) in state["functions"].values():
        if function.__code__ is not code:
            function.__code__ = code
            changed.append(f"{function.__module__}.{function.__qualname__}.__code__")
        if function.__defaults__ is not defaults or function.__kwdefaults__ is not kwdefaults:
            function.__defaults__, function.__kwdefaults__ = defaults, kwdefaults
            changed.append(f"{function.__module__}.{function.__qualname__} defaults")
    for cls, attributes in state["classes"].values():
        for key, value in attributes.items():
            if key in ("__dict__", "__weakref__", "__doc__"):
                continue
            if vars(cls).get(key, _MISSING) is not value:
                try:
                    setattr(cls, key, value)
                except (AttributeError, TypeError):
                    continue
                changed.append(f"{cls.__module__}.{cls.__qualname__}.{key}")
        for key in set(vars(cls)) - set(attributes):
            if not key.startswith("_abc"):
                try:
                    delattr(cls, key)
                except (AttributeError, TypeError):
                    continue
                changed.append(f"{cls.__module__}.{cls.__qualname__}.{key} (added)")
    if state["shell"] is not None:
        _restore_shell(state["shell"], changed)


_MISSING = object()


def _rebind_names(names, namespace, changed):
    for alias, (module_name, attribute) in sorted(names.items()):
        module = sys.modules.get(module_name)
        if module is None:  # not imported yet: the notebook has not reached that import
            continue
        value = getattr(module, attribute) if attribute else module
        if namespace.get(alias, _MISSING) is not value:
            if alias in namespace:
                changed.append(f"notebook name {alias!r}")
            namespace[alias] = value


def restore(names=None, skip_next=None):
    """Undo tampering with the checkers before a graded cell; print what was restored.

    Args:
        names: ``{alias: (module, attribute or None)}``, the notebook's import names, e.g.
            ``{"np": ("numpy", None), "checks": ("deepvision", "checks")}``; each is rebound in
            the notebook's namespace to the real object.
        skip_next: If given, a ``(first_line, reason)`` pair: the next cell whose first line is
            ``first_line`` is replaced by a ``raise`` of ``reason`` (the grader uses this to fail a
            graded cell that killed the kernel in an earlier attempt instead of running it again).

    Returns:
        The list of restored things (empty when nothing was touched).
    """
    changed: list[str] = []
    if _SNAPSHOT is not None:
        _restore_snapshot(changed)
    shell = _shell()
    if names and shell is not None:
        _rebind_names(names, shell.user_ns, changed)
    if skip_next and shell is not None:
        first_line, reason = skip_next
        message = f"raise RuntimeError({reason!r})\n"

        def skip(lines):
            if lines and lines[0].strip() == first_line.strip():
                return [message]
            return lines

        shell.input_transformer_manager.cleanup_transforms.append(skip)
    armed = "armed" if _SNAPSHOT is not None else "no snapshot"
    if changed:
        print(f"{MARKER} {armed}; restored {len(changed)}: " + ", ".join(dict.fromkeys(changed)))
    else:
        print(f"{MARKER} {armed}; nothing to restore")
    return changed
