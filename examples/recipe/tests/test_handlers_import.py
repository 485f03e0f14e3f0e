"""The recipe's handlers import with the environment the CqrsLambdas construct gives them,
and each exposes the entry point its function's Handler names in the template."""
import importlib.util
import json
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
HANDLERS = ROOT / "examples" / "recipe" / "handlers"


@pytest.fixture(scope="module")
def template():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--", "synth", "EventSourcingRecipe"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def functions(template):
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]


def test_three_functions(template):
    assert len(functions(template)) == 3


@pytest.mark.parametrize("directory", ["command", "projection", "query"])
def test_handler_imports_with_the_template_environment(template, directory, monkeypatch):
    module_file = next((HANDLERS / directory).glob("*_handler.py"))
    props = next(p for p in functions(template) if p["Handler"].split(".")[0] == module_file.stem)
    # Every variable the template sets; references become placeholder names.
    for key, value in props.get("Environment", {}).get("Variables", {}).items():
        monkeypatch.setenv(key, value if isinstance(value, str) else f"resolved-{key.lower()}")
    spec = importlib.util.spec_from_file_location(module_file.stem, module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entry = props["Handler"].split(".")[1]
    assert callable(getattr(module, entry))
