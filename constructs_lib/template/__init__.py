"""Templates in, one model out: the layer beneath the checks, the simulation and ``explain``.

- :mod:`~constructs_lib.template.reading` opens every file the commands read: regular files
  only, a size limit, references confined to the input's root;
- :mod:`~constructs_lib.template.loader` reads what a user names: ``cdk.out`` cloud
  assemblies (nested stages and stacks), JSON / YAML templates, raw SAM templates
  (translated offline by :mod:`~constructs_lib.template.sam`), ``Fn::ForEach`` loops
  (expanded by :mod:`~constructs_lib.template.language_extensions`), local
  ``AWS::Include`` files, directories of them, and standard input;
- :mod:`~constructs_lib.template.conditions` decides conditions statically, or splits a
  template into labelled branches;
- :mod:`~constructs_lib.template.model` is one template as resources, references and the
  graph of which trigger invokes which function (and how);
- :mod:`~constructs_lib.template.properties` reads what a resource's properties mean with
  the services' defaults.

It knows nothing of findings or of simulation: :mod:`constructs_lib.checks` and
:mod:`constructs_lib.simulate` build on it and never import each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs_lib._lazy import lazy_exports

if TYPE_CHECKING:
    from constructs_lib.template.loader import (
        Loaded,
        SourceFile,
        TemplateError,
        Unreadable,
        load_path,
        load_paths,
        models_from_template,
    )
    from constructs_lib.template.model import Resource, TemplateModel, Trigger
    from constructs_lib.template.reading import Reader

_LOADER, _MODEL = "constructs_lib.template.loader", "constructs_lib.template.model"
__getattr__, __dir__ = lazy_exports(__name__, {
    "Loaded": _LOADER, "SourceFile": _LOADER, "TemplateError": _LOADER, "Unreadable": _LOADER, "load_path": _LOADER,
    "load_paths": _LOADER, "models_from_template": _LOADER, "Reader": "constructs_lib.template.reading",
    "Resource": _MODEL, "TemplateModel": _MODEL, "Trigger": _MODEL,
}, globals())

__all__ = [
    "Loaded",
    "Reader",
    "Resource",
    "SourceFile",
    "TemplateError",
    "TemplateModel",
    "Trigger",
    "Unreadable",
    "load_path",
    "load_paths",
    "models_from_template",
]
