"""Shared pieces of the independent Python checkers: JSON pointers, storage fields, and a value
comparison that tells integers from floats, NaN from numbers and -0.0 from 0.0."""
import math

WRITER = "hist-serial"
STORAGE_FIELDS = {
    "int": ["values"],
    "double": ["values"],
    "weighted": ["values", "variances"],
    "mean": ["counts", "values", "variances"],
    "weighted_mean": ["sum_of_weights", "sum_of_weights_squared", "values", "variances"],
}


def pointer(path, key):
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


class ScalarComparison:
    """Collects differences (``diffs``) and harmless observations (``notes``) between an original
    value ``a`` and the value ``b`` read back from hist-serial's output."""

    def __init__(self):
        self.diffs = []
        self.notes = []

    def scalar(self, a, b, path):
        if is_number(a) and is_number(b):
            if isinstance(a, int) and not isinstance(b, int):
                self.diffs.append(f"{path}: the integer {a!r} became the float {b!r}")
            elif isinstance(a, float) and isinstance(b, float):
                if math.isnan(a) or math.isnan(b):
                    if not (math.isnan(a) and math.isnan(b)):
                        self.diffs.append(f"{path}: {a!r} != {b!r}")
                elif a != b or math.copysign(1.0, a) != math.copysign(1.0, b):
                    self.diffs.append(f"{path}: {a!r} != {b!r}")
            elif a != b or (isinstance(a, float) and math.isnan(a)):
                self.diffs.append(f"{path}: {a!r} != {b!r}")
            elif isinstance(a, float) and isinstance(b, int):
                self.notes.append(f"{path}: the float {a!r} was written as the integer {b!r}")
        elif type(a) is not type(b) or a != b:
            self.diffs.append(f"{path}: {a!r} != {b!r}")
