from ninja import NinjaAPI

from api import problems
from api.auth import BearerToken
from api.endpoints import router

api = NinjaAPI(
    title="Working Carers Hub API",
    version="1",
    description=(
        "For HR-system integration. Authenticate with 'Authorization: Bearer <token>'; "
        "a token acts for one person in one organisation. Errors are RFC 9457 problem details."
    ),
    auth=BearerToken(),
    docs_url=None,
    urls_namespace="api-v1",
)
problems.install(api)
api.add_router("/", router)
