"""API-key authentication with roles; keys are stored hashed in the platform's identity database."""

from lcn_shared.auth.dependencies import OPTIONAL_KEY, Authenticator, identify, require
from lcn_shared.auth.keys import Principal, Role

__all__ = ["OPTIONAL_KEY", "Authenticator", "Principal", "Role", "identify", "require"]
