import sys

from deepvision.grade.cli import main

if __name__ == "__main__":
    sys.exit(main())
