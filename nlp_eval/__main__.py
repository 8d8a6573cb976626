from nlp_eval.cli import app

app()
