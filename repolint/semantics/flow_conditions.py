"""Tests the flow decides: the branch an `if` takes for the constants a call passes,
or for the class of a known row."""

from __future__ import annotations

import ast

from repolint.semantics.flow_state import FlowState
from repolint.semantics.not_none import NOT_NONE
from repolint.semantics.types import ColumnT, InstanceT, ObjT


class ConditionsMixin(FlowState):
    """Deciding `if` tests (`FunctionFlow._decided`)."""

    def _decides(self, test: ast.expr) -> bool | None:
        """Evaluate an `if` test, then whether this analysis knows its outcome."""
        self.eval(test)
        return self._decided(test)

    def _decided(self, test: ast.AST) -> bool | None:
        """The truth of a test on constants this call passed (`light`, `not full`,
        `user is None`) or on the class of a known row (`isinstance(target, Workout)`),
        or None when the test depends on anything else."""
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name):
            return self._isinstance(test) if test.func.id == "isinstance" else None
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Is, ast.IsNot))
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
            and isinstance(self.local_types.get(id(test.left)), ColumnT)
        ):
            return isinstance(test.ops[0], ast.IsNot)  # `Model.column is not None`: always
        named = self._class_name_test(test)
        if named is not None:
            return named
        if not self.consts:
            return None
        if isinstance(test, ast.Name) and test.id in self.consts:
            value = self.consts[test.id]
            return None if value is NOT_NONE else bool(value)  # an empty set is falsy
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._decided(test.operand)
            return None if inner is None else not inner
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.left, ast.Name)
            and test.left.id in self.consts
            and isinstance(test.comparators[0], ast.Constant)
        ):
            left, right, op = self.consts[test.left.id], test.comparators[0].value, test.ops[0]
            if left is NOT_NONE and right is not None:
                return None  # a value, but which one is unknown
            if isinstance(op, (ast.Is, ast.Eq)):
                return left == right
            if isinstance(op, (ast.IsNot, ast.NotEq)):
                return left != right
        if isinstance(test, ast.BoolOp):
            parts = [self._decided(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return False if False in parts else (True if all(parts) else None)
            return True if True in parts else (False if all(p is False for p in parts) else None)
        return None

    def _class_name_test(self, test: ast.AST) -> bool | None:
        """`row.__class__.__name__ == "Workout"` (or `!=`) on a row of a known model that
        no project class derives from: decided by the model's own name."""
        if not (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Eq, ast.NotEq))
            and isinstance(test.comparators[0], ast.Constant)
            and isinstance(test.comparators[0].value, str)
        ):
            return None
        left = test.left
        if not (
            isinstance(left, ast.Attribute)
            and left.attr == "__name__"
            and isinstance(left.value, ast.Attribute)
            and left.value.attr == "__class__"
            and isinstance(left.value.value, ast.Name)
        ):
            return None
        row = self.env.get(left.value.value.id)
        if not isinstance(row, InstanceT) or self.index.subclasses(row.model):
            return None
        same = row.model.rsplit(".", 1)[-1] == test.comparators[0].value
        return same if isinstance(test.ops[0], ast.Eq) else not same

    def _isinstance(self, test: ast.Call) -> bool | None:
        """`isinstance(x, C)` for `x` a row of a known model (or a known project object)."""
        if len(test.args) != 2 or not isinstance(test.args[0], ast.Name):
            return None
        if "isinstance" in self.env or test.func.id != "isinstance":  # type: ignore[attr-defined]
            return None
        value = self.env.get(test.args[0].id)
        cls = value.model if isinstance(value, InstanceT) else getattr(value, "cls", None)
        if not isinstance(value, (InstanceT, ObjT)) or cls is None:
            return None
        second = test.args[1]
        options = second.elts if isinstance(second, ast.Tuple) else [second]
        mro = self.index.mro(cls)
        undecided = False
        for option in options:
            qual = self.index.canonical(self.qualify(option))
            if qual is None or qual not in self.index.classes:
                return None  # a class repolint cannot see
            if qual in mro:
                return True
            if cls in self.index.mro(qual):
                undecided = True  # the row may be of that subclass
        return None if undecided else False
