"""Run every benchmark under bench/ in turn and print their figures (`make bench`).

Benchmarks that need PostgreSQL use the server at 127.0.0.1:5432 and their own scratch database.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name.startswith("_") or script.name == "run_all.py":
        continue
    print(f"== {script.name}", flush=True)
    result = subprocess.run([sys.executable, str(script)], cwd=HERE)
    if result.returncode:
        print(f"   {script.name} exited {result.returncode}")
