"""Small helpers around Trainer / SFTTrainer / DPOTrainer runs that several notebooks share."""

from __future__ import annotations


def logged_losses(trainer, key: str = "loss") -> tuple[list[int], list[float]]:
    """(steps, values) of a logged metric from ``trainer.state.log_history`` (training loss by default).

    Set ``logging_steps`` small (e.g. 1–5) in the config so there are enough points to draw a curve.
    """
    steps, values = [], []
    for record in trainer.state.log_history:
        if key in record and "step" in record:
            steps.append(int(record["step"]))
            values.append(float(record[key]))
    return steps, values
