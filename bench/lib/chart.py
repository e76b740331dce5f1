"""Draws one line chart as SVG from a JSON spec (bench/lib/chart.ts writes it): matplotlib, no display."""
import json
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

spec = json.load(open(sys.argv[1]))
fig, ax = plt.subplots(figsize=(7, 4))
for series in spec["series"]:
    ax.plot(series["x"], series["y"], marker="o", label=series["name"])
if spec.get("log_x"):
    ax.set_xscale("log")
if spec.get("log_y"):
    ax.set_yscale("log")
ax.set_title(spec["title"])
ax.set_xlabel(spec["x_label"])
ax.set_ylabel(spec["y_label"])
ax.grid(True, alpha=0.3)
ax.legend()
fig.tight_layout()
# No date in the file: the same numbers draw the same bytes.
fig.savefig(sys.argv[2], metadata={"Date": None})
