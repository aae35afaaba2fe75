"""A script's own module that the server's own module hides is named, with the server's file and
the remedy, only when the failure comes from it."""

from __future__ import annotations

from pathlib import Path

from score_contract.serving.hints import shadow_hint


def project(tmp_path: Path) -> Path:
    (tmp_path / "utils").mkdir()
    (tmp_path / "utils" / "__init__.py").write_text("")
    (tmp_path / "utils" / "text.py").write_text("def clean(t):\n    return t\n")
    (tmp_path / "model.py").write_text("")  # not a name the server uses
    return tmp_path


def test_a_package_the_failure_comes_from_is_named_with_the_servers_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    failure = ModuleNotFoundError("No module named 'utils.text'; 'utils' is not a package", name="utils.text")
    hint = shadow_hint(str(root), str(root / "score.py"), failure)
    assert hint.startswith("your package utils/ (in the app root) is hidden by the server's own utils module (")
    assert "azureml_inference_server_http/server/utils.py)" in hint
    assert "Rename yours (e.g. utils → score_utils)" in hint and "model" not in hint


def test_a_failure_that_has_nothing_to_do_with_it_gets_no_such_hint(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert shadow_hint(str(root), str(root / "score.py"), FileNotFoundError(2, "No such file", "model.pkl")) == ""
    assert (
        shadow_hint(str(root), str(root / "score.py"), ModuleNotFoundError("No module named 'torch'", name="torch"))
        == ""
    )


def test_a_project_without_such_a_module_gets_no_hint(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("")
    assert shadow_hint(str(tmp_path), str(tmp_path / "score.py")) == ""
