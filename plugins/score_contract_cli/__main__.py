import sys

from score_contract_cli import main

sys.exit(main())
