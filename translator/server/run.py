"""Run the service under uvicorn: one process, one model, requests served by threads."""

from __future__ import annotations

import ipaddress

from translator.server.api import create_app
from translator.server.service import Service

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    service: Service, host: str = "127.0.0.1", port: int = 5000, log_level: str = "info"
) -> None:
    """Serve ``service`` until SIGINT or SIGTERM, then finish the requests in flight.

    Binds to loopback (127.0.0.1) unless another ``host`` is given.
    """
    import uvicorn

    config = uvicorn.Config(
        create_app(service), host=host, port=port, log_level=log_level,
        timeout_graceful_shutdown=int(service.options.timeout) + 5, access_log=False,
    )  # fmt: skip
    uvicorn.Server(config).run()
