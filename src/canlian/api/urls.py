"""The API's URL: /api/v1/ (schema at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from . import aggregates, errors, feed_routes, persons, resources
from .auth import ApiKey, staff_only

# The schema and its documentation page are for signed-in staff, not the public.
api = NinjaAPI(title="Canlian API", version="1.0.0", urls_namespace="api-v1", auth=ApiKey(),
               docs_decorator=staff_only,
               description="数字残联开放接口：残疾人、残疾人证、补贴、调查与服务记录、规划指标、部门数据推送。")
errors.install(api)
api.add_router("/persons", persons.router)
api.add_router("/", resources.router)
api.add_router("/feeds", feed_routes.router)
api.add_router("/", aggregates.router)
