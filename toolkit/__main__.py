import sys

try:  # an interrupt can arrive while the command is still importing
    from .cli import main

    code = main()
except KeyboardInterrupt:
    print("toolkit: interrupted; earlier complete outputs are untouched", file=sys.stderr)
    code = 130
sys.exit(code)
