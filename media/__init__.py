"""Uploaded media: type sniffing from content, image re-encoding and thumbnails, audio/video checks."""
