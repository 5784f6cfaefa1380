"""ossbrowse: a terminal UI and headless command for Alibaba Cloud OSS objects."""

__version__ = "0.1.0"
