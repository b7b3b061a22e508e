import sys

from .errors import INTERRUPTED

try:  # an interrupt can arrive while the command is still importing
    from .cli import main

    code = main()
except KeyboardInterrupt:
    print(INTERRUPTED, file=sys.stderr)
    code = 130
sys.exit(code)
