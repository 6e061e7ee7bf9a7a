"""The production static files storage: WhiteNoise's hashed, compressed files, gzip only.

WhiteNoise adds a Brotli copy of every file whenever the `brotli` package is importable (the load
generator's dependencies bring it); compressing the vendored ECharts and Swagger UI that way made
the first `fangkong serve` of a fresh installation spend minutes of CPU before it answered, and
gzip already serves a county's browsers well.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(use_brotli=False, **kwargs)
