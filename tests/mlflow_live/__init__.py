"""Tests against a real MLflow tracking server, run from its own venv (requirements-mlflow.txt),
since the app itself does not depend on mlflow."""
