"""Exceptions of nlp-eval; the CLI prints str(err) on one line and exits with status 2."""

from __future__ import annotations


class NlpEvalError(Exception):
    """Base class of every error the CLI reports as one line (one line per argument)."""

    def lines(self) -> list[str]:
        """One line per problem: NlpEvalError("a.toml: V901.params: …", "a.toml: …")."""
        return [str(arg) for arg in self.args] or [type(self).__name__]


class ReadError(NlpEvalError):
    """A file could not be read as a self-evaluation table (missing, corrupt, empty, no table…)."""


class RuleError(NlpEvalError):
    """A rule or lexicon file is malformed; the message names the file, the code and the key."""


class ModelError(NlpEvalError):
    """A model file is not ours, is corrupt, or was written by an incompatible version."""
