import sys

from bayesreg.apps.cli import main

sys.exit(main())
