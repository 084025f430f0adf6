"""Allow `python -m digitedge`."""

from digitedge.cli import main

main()
