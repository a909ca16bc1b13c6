"""Reading and verifying the audit log (the chain itself is app.audit.chain)."""
