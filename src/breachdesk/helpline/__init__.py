"""The helpline: a web app and HTTP API where operators answer "is my data in it?".

The helpline database holds only what a lookup needs (keyed hashes of identifiers, categories,
controllers), accounts, sessions, the call log and a hash-chained audit log. The web layer
(``pages/``, ``api.py``) validates input and calls the core modules; the core knows no HTTP.
"""
