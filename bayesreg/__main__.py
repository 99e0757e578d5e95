import sys

from bayesreg.cli import main

sys.exit(main())
