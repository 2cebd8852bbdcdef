"""Where runs come from besides a file: live trackers read over their own APIs, each into the
same raw table a run CSV gives (`strategy_core.run_csv`), so one import path maps and builds
them. `mlflow_server` pulls an experiment's runs from an MLflow tracking server.
"""
