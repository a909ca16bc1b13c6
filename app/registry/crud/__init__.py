"""The registry objects as API resources.

`POST /v1/{type}`, `GET|PUT|PATCH|DELETE /v1/{type}/{key}` and the list routes.
"""
