"""The library's own exceptions; the CLI turns each into a one-line error."""


class DigitEdgeError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class DataError(DigitEdgeError):
    """MNIST files that are missing, corrupt or inconsistent."""


class ModelError(DigitEdgeError):
    """A model file that is missing, unreadable, or not a digit model."""


class RuntimeMissing(ModelError):
    """A model file whose runtime is not installed here (LiteRT, which PyPI has no wheel of for Intel Macs)."""


class VerificationError(DigitEdgeError):
    """Exported files that do not match the Keras reference."""


class SourceError(DigitEdgeError):
    """A camera, video or image source that cannot be opened or read."""
