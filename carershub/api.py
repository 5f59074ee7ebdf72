"""The API: one instance of ``CarersHubAPI`` with every app's router mounted (docs/api.md).

It lives in the site layer because it names every app; each app offers only its router.
"""

from __future__ import annotations

from api import problems
from api.application import CarersHubAPI, ObjectParser
from api.auth import BearerToken
from api.endpoints import router
from benchmarks.api import router as benchmarks_router
from commitments.api import router as commitments_router
from communications.api import router as communications_router
from credentials.api import router as credentials_router
from forum.api import router as forum_router
from insights.api import router as insights_router
from learning.api import router as learning_router
from leave.api import router as leave_router
from networks.api import router as networks_router
from passports.api import router as passports_router
from plans.api import router as plans_router
from policies.api import router as policies_router
from signposting.api import router as signposting_router

api = CarersHubAPI(
    title="Working Carers Hub API",
    version="1",
    description=(
        "For HR-system integration. Authenticate with 'Authorization: Bearer <token>'; "
        "a token acts for one person in one organisation. Errors are RFC 9457 problem details "
        "(media type application/problem+json) with a stable 'code'."
    ),
    # Each route names its own permission (``endpoints.needs``); one that forgets is closed.
    auth=BearerToken("api.route_without_a_permission"),
    docs_url=None,
    urls_namespace="api-v1",
    parser=ObjectParser(),
)
problems.install(api)
api.add_router("/", router)
api.add_router("/leave", leave_router)
api.add_router("/credentials", credentials_router)
api.add_router("/passports", passports_router)
api.add_router("/benchmarks", benchmarks_router)
api.add_router("/plans", plans_router)
api.add_router("/commitments", commitments_router)
api.add_router("/learning", learning_router)
api.add_router("/networks", networks_router)
api.add_router("/signposting", signposting_router)
api.add_router("/forum", forum_router)
api.add_router("/policies", policies_router)
api.add_router("/communications", communications_router)
api.add_router("/insights", insights_router)
