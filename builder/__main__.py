"""`python -m builder` runs the `course` command."""

from .adapters.cli import main

main()
