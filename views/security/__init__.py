"""What guards every request: roles on views, CSRF, request size limits, security headers and the secret key,
and the access log kept free of phone numbers."""
