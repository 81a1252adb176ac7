"""`python -m reader.bench`: the entry of the measurements."""

from reader.bench import main

raise SystemExit(main())
