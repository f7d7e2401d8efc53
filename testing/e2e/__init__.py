"""End-to-end journeys through the real pages in headless Chromium (tests only: not a Django app)."""
