"""Workflows that span several features: above the features, below the entry points."""
