"""Training, export and reporting code for Vigil's three model families (see models/README.md)."""
