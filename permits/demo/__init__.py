"""The demo office: sample data that `make run` loads through the apps' own services (docs/ARCHITECTURE.md)."""
