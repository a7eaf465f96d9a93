"""The kit's server-rendered pages, for every service that shows people something rather than JSON.

`Pages(templates=<the service's folder>, messages=Messages({...}))` renders Jinja2 templates that extend
`kit/base.html`; `ServiceDefinition(pages=[router])` mounts the routers without the /v1 prefix and serves the
kit's static files (the NL Design System CSS) under /static/kit. ADR 0025.
"""

from lcn_shared.pages.i18n import DUTCH, ENGLISH, LANGUAGES, Messages, negotiate_language
from lcn_shared.pages.rendering import STATIC_PATH, Pages, mount_kit_static, mount_static, page_link, query_model

__all__ = [
    "DUTCH",
    "ENGLISH",
    "LANGUAGES",
    "STATIC_PATH",
    "Messages",
    "Pages",
    "mount_kit_static",
    "mount_static",
    "negotiate_language",
    "page_link",
    "query_model",
]
