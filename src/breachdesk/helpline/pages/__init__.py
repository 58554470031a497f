"""Server-rendered pages, one module per page type; each validates and calls the core."""
