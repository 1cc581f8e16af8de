"""`python -m repolint`: the same as the `repolint` command."""

from repolint.cli import console_main

if __name__ == "__main__":
    console_main()
