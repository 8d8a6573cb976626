"""`nlp-eval serve`: a local review site for runs, findings and decisions (extra `serve`).

Runs are read, linted and scored in worker processes; decisions and notes are kept in SQLite
(db.py) and flow back to the command line as a `lint --suppress` file (review.py).
"""

from __future__ import annotations

import ipaddress
import secrets
import signal
from collections.abc import Sequence
from pathlib import Path

NEEDS = ("starlette", "uvicorn", "jinja2", "python_multipart")  # the extra `serve`


def missing() -> list[str]:
    """Modules of the `serve` extra that are not installed."""
    from importlib.util import find_spec

    return [name for name in NEEDS if find_spec(name) is None]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    paths: Sequence[Path] = (),
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    db: Path | None = None,
    data: Path | None = None,
    max_upload_mb: int = 200,
    echo: object = print,
) -> None:
    """Start the site (blocking); runs the given paths first. A non-loopback host needs a token."""
    if missing():
        from nlp_eval.errors import NlpEvalError

        raise NlpEvalError(f"serve needs {', '.join(missing())}: pip install 'nlp-eval[serve]'")
    import uvicorn

    from nlp_eval.io import _expand
    from nlp_eval.serve.app import Settings, create_app
    from nlp_eval.serve.runs import Input

    data = data or Path.home() / ".nlp-eval" / "serve"
    data.mkdir(parents=True, exist_ok=True)
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    settings = Settings(
        data=data,
        db=db or data / "review.sqlite",
        token=token,
        max_upload=max_upload_mb * 2**20,
    )
    app = create_app(settings)
    state = app.state.serve
    files = [item.path for item in _expand(paths)]
    if files:
        run_id = state.start([Input(str(f), str(f)) for f in files], [str(f) for f in files])
        echo(f"run {run_id}: {len(files)} files")
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    echo(f"nlp-eval serve: {address}  (data: {data}; Ctrl+C stops)")
    if token:
        echo("listening beyond this machine: every request must carry the token above")
    # uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown; turned into exceptions
    # here, they let the runs' processes be ended below instead of outliving the server
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except KeyboardInterrupt:
        pass
    finally:
        state.close()
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)
