"""``python -m reactivity``: the same command line as the ``reactivity`` script."""

from reactivity.cli import main

if __name__ == "__main__":
    main()
