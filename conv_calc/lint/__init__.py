"""Lint: stack-file problems as Finding records; never prints."""
