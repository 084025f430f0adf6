"""The edge vision pipeline: frame -> digit crops -> 28x28 MNIST-style -> labels, lines, text."""
