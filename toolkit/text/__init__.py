"""Preparing text: bytes to documents, normalised units, tokens and counts, streamed and cached."""

# options of the config sections that shape a prepared corpus which change no token: worker processes, the corpus's
# name, the near-duplicate flags (the prepared corpus's cache key and a sweep's run ids leave them out)
NOT_SHAPING = ("n_jobs", "name", "near_duplicates")
