"""flask bro curricula from-gift / from-aiken write a course file that imports; refusals write nothing."""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moodle"


def test_from_aiken_writes_a_course_that_imports(app, tmp_path):
    source = tmp_path / "moodle-quiz.txt"
    source.write_text((FIXTURES / "aiken_docs.txt").read_text(encoding="utf-8"), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bro", "curricula", "from-aiken", str(source)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "moodle-quiz.yaml"
    assert "kind: course" in written.read_text(encoding="utf-8")
    imported = runner.invoke(args=["bro", "curricula", "import", str(written)])
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(args=["bro", "curricula", "from-aiken", str(source)])
    assert again.exit_code != 0 and "--overwrite" in again.output


def test_from_gift_refuses_matching_with_its_line_and_writes_nothing(app, tmp_path):
    source = tmp_path / "docs.gift"
    source.write_text((FIXTURES / "gift_docs.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["bro", "curricula", "from-gift", str(source)])
    assert result.exit_code != 0
    assert f"{source}:13: matching questions are not supported" in result.output
    assert not (tmp_path / "docs.yaml").exists()
