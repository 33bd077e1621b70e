"""The example in matching/README.md runs and prints what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import matching

README = Path(matching.__file__).parent / "README.md"


def test_readme_example_prints_what_it_says() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example = next(b for b in blocks if "print(" in b)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(README), "exec"), {})
    promised = [line[2:] for line in example.splitlines() if line.startswith("# ")]
    assert out.getvalue().splitlines() == promised
