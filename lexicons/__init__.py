"""Data package: word lists, header maps and rules of nlp-eval, edited as data, not code."""
