"""campaign_detect: find coordinated hashtag campaigns in social-media posts, with the evidence.

>>> import campaign_detect as cd
>>> result = cd.scan("fixtures/kami_umkm_sample.csv")  # doctest: +SKIP
>>> result.clusters.head()  # doctest: +SKIP
"""

from campaign_detect import errors
from campaign_detect._version import __version__
from campaign_detect.config import ScanConfig
from campaign_detect.load import InputStats, LoadedPosts, load_posts
from campaign_detect.load.normalise import normalise
from campaign_detect.pipeline import ScanResult, scan

__all__ = [
    "InputStats",
    "LoadedPosts",
    "ScanConfig",
    "ScanResult",
    "__version__",
    "errors",
    "load_posts",
    "normalise",
    "scan",
]
