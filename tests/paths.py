"""Where the test data lives (importable from any test module: pytest puts tests/ on sys.path)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "suzhou-120th-executive-meeting-2020-12-07.txt"
SHARED = (ROOT.parent / "shared").resolve()
SHARED_CORPUS = SHARED / "corpus"
TEST_OUTPUT = ROOT / "test-output"
