"""The kit's server-rendered pages, for every service that shows people something rather than JSON.

`Pages(templates=<the service's folder>, messages=Messages({...}))` renders Jinja2 templates that extend
`kit/base.html`; `ServiceDefinition(pages=[router])` mounts the routers without the /v1 prefix and serves the
kit's static files (the NL Design System CSS) under /static/kit. A page that needs a signed-in person depends on
`signed_in(*roles)`; its POST forms carry `{{ csrf_field() }}`. ADRs 0025 and 0026.
"""

from lcn_shared.pages.i18n import DUTCH, ENGLISH, LANGUAGES, Messages, negotiate_language
from lcn_shared.pages.rendering import (
    CSRF_FIELD,
    STATIC_PATH,
    Pages,
    mount_kit_static,
    mount_static,
    page_link,
    query_model,
)
from lcn_shared.pages.sessions import csrf_protected, read_form, signed_in

__all__ = [
    "CSRF_FIELD",
    "DUTCH",
    "ENGLISH",
    "LANGUAGES",
    "STATIC_PATH",
    "Messages",
    "Pages",
    "csrf_protected",
    "mount_kit_static",
    "mount_static",
    "negotiate_language",
    "page_link",
    "query_model",
    "read_form",
    "signed_in",
]
