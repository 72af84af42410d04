"""The demo federation that `make up` loads (deploy/local/demo.py runs it)."""
