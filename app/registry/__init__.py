"""The registry: the import document, CRUD of registry objects, and the area vocabulary.

`importdoc/` is the import document (models, validation, bulk writer); `crud/` the objects
as API resources; the modules here are shared by both (scope, selects, responses, names).
"""
