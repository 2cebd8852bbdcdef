"""Print one of the two commands the README opens with: `run` (first) or `test` (second).

CI runs the test command from here so it is always exactly what the README says.
"""

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def commands() -> list[str]:
    """The shell commands in the README's fenced ```sh blocks, in order."""
    return [block.strip() for block in
            re.findall(r"```sh\n(.*?)\n```", README.read_text(encoding="utf-8"), re.S)]


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "test"
    print(commands()[{"run": 0, "test": 1}[which]])
