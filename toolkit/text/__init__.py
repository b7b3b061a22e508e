"""Preparing text: bytes to documents, normalised units, tokens and counts, streamed and cached."""
