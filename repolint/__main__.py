"""`python -m repolint`: the same as the `repolint` command."""

from repolint.cli import main

if __name__ == "__main__":
    main(prog_name="repolint")
