"""Run the Rasa command line without the libraries' DeprecationWarnings (pkg_resources, jax, ...),
for the `make` targets a knowledge owner runs (`make validate`): what they see is about their data.

    python scripts/quiet_rasa.py data validate --quiet --fail-on-warnings
"""
import sys
import warnings


QUIET = (DeprecationWarning, PendingDeprecationWarning)


def _show(message, category, *args, _shown=warnings.showwarning, **kwargs):
    if not issubclass(category, QUIET):
        _shown(message, category, *args, **kwargs)


def main() -> int:
    # at the point of showing, not as a filter: libraries reset the filters while they import
    warnings.showwarning = _show
    from rasa.__main__ import main as rasa_main  # imported after the filters: the warnings come at import
    sys.argv = ["rasa"] + sys.argv[1:]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
