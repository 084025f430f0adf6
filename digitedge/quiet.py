"""Notes that native libraries write straight to the process's stderr, which no setting silences,
dropped: TensorFlow's start-up INFO lines, the TFLite converter's summary, LiteRT's delegate note."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from contextlib import contextmanager


@contextmanager
def dropped(notes: re.Pattern):
    """What is written to the process's stderr (file descriptor 2) meanwhile, less the lines that
    start with `notes`: everything else is passed on after."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to catch (a daemon's): nothing to quiet
        yield
        return
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            for line in caught.read().decode(errors="replace").splitlines(keepends=True):
                if not notes.match(line):
                    sys.stderr.write(line)
