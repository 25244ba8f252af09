"""The HTTP service (``translator serve``), in the ``server`` extra (Starlette, uvicorn).

Holds: ``batcher`` (requests of the same moment translated in one batch), ``service``
(the shared model's translators, limits, downloads), ``api`` (LibreTranslate's routes,
the native ``/article`` endpoint and the page), ``run`` (uvicorn, loopback by default).
May import the pipeline, :mod:`translator.markup` and the layers below; only the CLI
imports it.
"""
