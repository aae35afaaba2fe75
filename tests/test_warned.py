"""The warnings a script raises while it loads its model are heard, with the script's line
that led to them, and told as the gate's own warnings: a model pickled with another
scikit-learn names both versions."""

from __future__ import annotations

import importlib.util
import textwrap
import warnings
from pathlib import Path
from types import ModuleType

from score_contract.core.observations import LoadWarning
from score_contract.online.verdicts import load_warnings
from score_contract.serving.warned import hearing

HELPER = """
import warnings


class InconsistentVersionWarning(UserWarning):
    # As scikit-learn's (sklearn/exceptions.py): the versions are attributes.
    def __init__(self, *, estimator_name, current_sklearn_version, original_sklearn_version):
        self.estimator_name = estimator_name
        self.current_sklearn_version = current_sklearn_version
        self.original_sklearn_version = original_sklearn_version

    def __str__(self):
        return (
            f"Trying to unpickle estimator {self.estimator_name} from version {self.original_sklearn_version}"
            f" when using version {self.current_sklearn_version}. This might lead to breaking code or invalid results."
        )


def load():
    warnings.warn("the tokenizer vocabulary is smaller than the model's", UserWarning)
    warnings.warn("old API", DeprecationWarning)
    warnings.warn(
        InconsistentVersionWarning(
            estimator_name="Ridge", current_sklearn_version="1.9.1", original_sklearn_version="1.3.2"
        )
    )
"""


def helper(tmp_path: Path) -> ModuleType:
    path = tmp_path / "helper.py"
    path.write_text(textwrap.dedent(HELPER))
    spec = importlib.util.spec_from_file_location("helper", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_warnings_raised_while_loading_are_heard_with_the_scripts_line(tmp_path: Path) -> None:
    module = helper(tmp_path)
    with warnings.catch_warnings(record=True) as printed:
        warnings.simplefilter("default")
        with hearing(str(tmp_path)) as heard:
            module.load()
    # Each still goes where the script's output goes, as in the server's worker.
    assert [w.category.__name__ for w in printed] == ["UserWarning", "DeprecationWarning", "InconsistentVersionWarning"]
    assert [(w.category, w.where) for w in heard] == [
        ("UserWarning", "helper.py:20 in load"),
        ("InconsistentVersionWarning", "helper.py:22 in load"),
    ]  # the deprecation notice is about tomorrow's API, not this load
    assert heard[1].versions == ("scikit-learn", "1.3.2", "1.9.1") and heard[1].subject == "Ridge"


def test_a_model_saved_with_another_version_is_told_with_both_versions() -> None:
    skewed = LoadWarning(
        "InconsistentVersionWarning",
        "Trying to unpickle estimator Ridge from version 1.3.2 when using version 1.9.1.",
        "score.py:14 in init",
        versions=("scikit-learn", "1.3.2", "1.9.1"),
        subject="Ridge",
    )
    other = LoadWarning("UserWarning", "the tokenizer vocabulary is smaller", "score.py:15 in init")
    first, second = load_warnings((other, skewed), "while init() ran")
    assert first.startswith(
        "the model was saved with scikit-learn 1.3.2 and is loaded with scikit-learn 1.9.1"
        " (Ridge, loaded at score.py:14 in init): scikit-learn warned while init() ran that this"
        ' "might lead to breaking code or invalid results".'
    )
    assert "(scikit-learn==1.3.2), or save the model again with scikit-learn 1.9.1." in first
    assert second == (
        "while init() ran, the script raised UserWarning (score.py:15 in init): the tokenizer vocabulary is smaller"
    )


def test_no_warning_no_note() -> None:
    assert load_warnings((), "while init() ran") == ()
