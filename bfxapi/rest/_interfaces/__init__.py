"""The three endpoint groups of the REST interface."""

from .rest_auth_endpoints import RestAuthEndpoints
from .rest_merchant_endpoints import RestMerchantEndpoints
from .rest_public_endpoints import RestPublicEndpoints

__all__ = ["RestPublicEndpoints", "RestAuthEndpoints", "RestMerchantEndpoints"]
