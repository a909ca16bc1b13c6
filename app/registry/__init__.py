"""The registry: import document, CRUD of registry objects, and the area vocabulary."""
