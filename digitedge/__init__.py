"""digitedge: train, export and run handwritten digit recognition on the edge."""

__version__ = "0.1.0"
