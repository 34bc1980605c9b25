"""veikart: Helsenorge roadmap meeting material in, a roadmap dataset with provenance out."""

__version__ = "0.1.0"
#: Bump when a change in extraction, layout or matching changes the rows produced.
PIPELINE_VERSION = "13"
