"""Packaging: the lexicons ship inside the package and the CLI answers --help."""

from typer.testing import CliRunner

from nlp_eval import lexicon
from nlp_eval.cli import app


def test_lexicons_are_readable_from_the_installed_package():
    assert "不适用" in lexicon.words("na_phrases.txt")
    assert "进一步" in lexicon.words("copy_prefixes.txt")


def test_every_command_has_help():
    runner = CliRunner()
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in app.registered_commands:
        assert command.callback.__doc__, f"{command.callback.__name__} has no docstring"
