"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from permits.catalog.api import router as catalog_router
from permits.core.api import ObjectBodyParser, install_error_handlers, officer_auth
from permits.core.api import router as auth_router
from permits.intake.api import router as intake_router
from permits.monitoring.api import router as monitoring_router
from permits.portal.api import router as portal_router
from permits.workflow.api import router as workflow_router

api = NinjaAPI(
    title="SMART API",
    version="1",
    description="API layanan perizinan SMART (DPMPTSP). Pesan galat dalam bahasa Indonesia dan Inggris.",
    urls_namespace="api",
    parser=ObjectBodyParser(),
    auth=officer_auth,  # every operation: a signed-in officer of a role the access table allows
)
install_error_handlers(api)
api.add_router("", auth_router)
api.add_router("", catalog_router)
api.add_router("", intake_router)
api.add_router("", monitoring_router)
api.add_router("", portal_router)
api.add_router("", workflow_router)
