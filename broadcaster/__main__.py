"""Run the command line as ``python -m broadcaster``."""

from broadcaster.cli import main

main()
