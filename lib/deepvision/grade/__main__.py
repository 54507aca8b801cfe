import sys

from deepvision.grade.cli import main

sys.exit(main())
