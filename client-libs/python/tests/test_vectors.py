import unittest

from dvic_log import Logger

from support import TempDir, load_vector, mask_header, vector_names


class GoldenVectorTest(unittest.TestCase):
    def test_every_vector_is_reproduced_byte_for_byte(self):
        names = vector_names()
        self.assertGreaterEqual(len(names), 5)
        for name in names:
            with self.subTest(vector=name), TempDir() as directory:
                # Given the inputs of one vector
                case, expected = load_vector(name)
                logger = Logger(demo=case.get("demo"), directory=directory)
                # When each call is logged and the logger closed
                for c in case["calls"]:
                    exc = c.get("exc")
                    logger.log(c["level"], c["msg"], c.get("fields"),
                               (exc["type"], exc["message"], exc["stack"]) if exc else None, ts_ms=c["ts_ms"])
                logger.close()
                # Then the file, header masked, is the expected one
                with open(logger.path, "rb") as f:
                    header, rest = f.read().split(b"\n", 1)
                self.assertEqual(mask_header(header) + b"\n" + rest, expected)


if __name__ == "__main__":
    unittest.main()
