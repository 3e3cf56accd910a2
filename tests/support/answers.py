"""A valid answer to every question: the default bake's answers, written out.

Written out rather than computed from cookiecutter.json, so that a changed default shows up as
a failing test (``.cookiecutter.json`` of a default bake must equal this).
"""

from __future__ import annotations

VALID = {
    "project_name": "Demand Forecast",
    "project_slug": "demand-forecast",
    "package_name": "demand_forecast",
    "description": "A Hydra-configured Flyte pipeline.",
    "author_name": "Your Name",
    "author_email": "you@example.com",
    "license": "MIT",
    "python_version": "3.11",
    "flyte_project": "demand-forecast",
    "flyte_domain": "development",
    "flyte_endpoint": "localhost:30080",
    "image_registry": "localhost:30000",
    "ci_provider": "github",
    "example": "polynomial",
}
