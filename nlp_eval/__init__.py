"""nlp-eval: read Chinese performance self-evaluation tables and measure the quality of their language."""

from nlp_eval.errors import NlpEvalError, ReadError
from nlp_eval.records import COLUMNS, Finding, Severity

__all__ = ["COLUMNS", "Finding", "NlpEvalError", "ReadError", "Severity"]
__version__ = "0.1.0"
