"""policytrack: Chinese government policy documents as canonical Markdown in git."""

__version__ = "0.1.0"
