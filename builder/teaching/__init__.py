"""The workshop domain: run sheets, module kits, gamebooks and the planner, for the trainer
pages and the print documents alike (no page module in it)."""
