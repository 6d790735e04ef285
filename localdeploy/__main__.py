import sys

from localdeploy.deploy import main

sys.exit(main())
