"""The import document (`POST /v1/import`).

Its item models, whole-document validation and the bulk writer. Single-object CRUD writes
go through here too, as one-item documents (`app.registry.crud`).
"""
