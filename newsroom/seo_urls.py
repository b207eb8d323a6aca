"""Placeholder: filled in by the feature that owns these URLs."""

urlpatterns = []
