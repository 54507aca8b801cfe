"""The counter's result: one row per layer call, the totals, a text table and an HTML table.

Taught in: chapter 10, "A model's cost, layer by layer".
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

#: What each kind of row means for the MAC count (the legend under every table).
KINDS = {
    "weighted sum": "Dense and convolutions: their multiply-accumulates are the MACs",
    "element-wise": "one operation per element (activations, normalization, merges, "
    "rescaling): not MACs",
    "pooling": "max or average over windows: comparisons and additions, not MACs",
    "data movement": "inputs, reshapes, padding, concatenation, lookups: no arithmetic",
    "identity at inference": "dropout, noise and random augmentation: off when predicting",
    "unknown": "not a layer the counter knows: its MACs are not counted",
}


@dataclass(frozen=True)
class LayerCost:
    """One call of one layer.

    Attributes:
        name: The layer's name, with the names of the models around it (``"resnet50/conv1_conv"``).
        type: The layer's class name (``"Conv2D"``).
        output_shape: The call's output shape without the batch axis, e.g. ``(112, 112, 64)``
            (a list of shapes for a layer with several outputs).
        trainable_params: Trainable weights first counted at this call.
        non_trainable_params: Non-trainable weights (BatchNormalization's moving statistics).
        macs: Multiply-accumulates for one example; ``None`` where the layer is unknown.
        kind: One of :data:`KINDS`.
        note: Why the MACs are what they are (``"shared: weights counted at ..."``).
    """

    name: str
    type: str
    output_shape: tuple | list
    trainable_params: int
    non_trainable_params: int
    macs: int | None
    kind: str
    note: str = ""

    @property
    def params(self):
        """Trainable plus non-trainable parameters."""
        return self.trainable_params + self.non_trainable_params


@dataclass(frozen=True)
class ModelCost:
    """The cost of a Keras model, layer by layer: what :func:`deepvision.cost.model_cost` returns.

    ``print(cost)`` shows a plain-text table; a notebook shows an HTML table.

    Attributes:
        model_name: The model's name.
        rows: A :class:`LayerCost` per layer call, in the order the model computes them.

    Taught in: chapter 10, "A model's cost, layer by layer".
    """

    model_name: str
    rows: tuple = field(default_factory=tuple)

    @property
    def trainable_params(self):
        return sum(row.trainable_params for row in self.rows)

    @property
    def non_trainable_params(self):
        return sum(row.non_trainable_params for row in self.rows)

    @property
    def params(self):
        """All parameters: equal to ``model.count_params()``."""
        return self.trainable_params + self.non_trainable_params

    @property
    def macs(self):
        """Multiply-accumulates of one forward pass of one example (the known layers')."""
        return sum(row.macs for row in self.rows if row.macs is not None)

    @property
    def flops(self):
        """``2 * macs``: a convention (one multiplication and one addition per MAC), not a
        count of every floating-point operation (bias additions, activations are left out)."""
        return 2 * self.macs

    @property
    def unknown(self):
        """Names of the rows whose MACs are unknown (then :attr:`macs` is a lower bound)."""
        return [row.name for row in self.rows if row.macs is None]

    @property
    def complete(self):
        """True when every layer is known, so that :attr:`macs` is the whole count."""
        return not self.unknown

    def _cells(self):
        for row in self.rows:
            macs = "unknown" if row.macs is None else f"{row.macs:,}"
            yield (row.name, row.type, _shape(row.output_shape), f"{row.params:,}", macs, row.note)

    def _totals(self):
        lines = [
            f"Parameters: {self.params:,} (trainable {self.trainable_params:,}, "
            f"non-trainable {self.non_trainable_params:,})",
            f"MACs per example: {self.macs:,} = {_si(self.macs)}; "
            f"FLOPs = 2 x MACs = {_si(self.flops)} (a convention)",
        ]
        if not self.complete:
            lines.append(
                f"MACs incomplete: {len(self.unknown)} unknown layer(s) not counted: "
                + ", ".join(self.unknown)
            )
        return lines

    def __str__(self):
        header = ("layer", "type", "output shape", "params", "MACs", "note")
        table = [header, *self._cells()]
        widths = [max(len(row[column]) for row in table) for column in range(len(header))]
        right = {3, 4}

        def line(cells):
            parts = [
                cell.rjust(width) if column in right else cell.ljust(width)
                for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        rule = "-" * len(line(header))
        body = [f"Model: {self.model_name}", rule, line(header), rule]
        body += [line(cells) for cells in table[1:]]
        return "\n".join([*body, rule, *self._totals()])

    def _repr_html_(self):
        header = ("layer", "type", "output shape", "params", "MACs", "note")
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        body = []
        for cells in self._cells():
            tds = "".join(
                f'<td style="text-align:{"right" if column in (3, 4) else "left"}">'
                f"{html.escape(cell)}</td>"
                for column, cell in enumerate(cells)
            )
            body.append(f"<tr>{tds}</tr>")
        totals = "<br>".join(html.escape(line) for line in self._totals())
        return (
            f"<p><b>Model: {html.escape(self.model_name)}</b></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<p>{totals}</p>"
        )


def _shape(shape):
    if isinstance(shape, list):
        return ", ".join(_shape(one) for one in shape)
    sizes = ["?" if size is None else str(size) for size in shape]
    return "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"


def _si(count):
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if count >= factor:
            return f"{count / factor:.2f} {prefix}"
    return str(count)
