"""
Logging filters that keep secrets out of the log.

A signing link's token is a key to a child's document (with the code sent
beside it), so the development server's request lines and Django's
"Not Found" warnings, which print the path, show the link without it.
"""

import logging
import re

SIGNING_PATH = re.compile(r"/sign/[^/\s\"?]+")


class HideSigningTokens(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        hidden = SIGNING_PATH.sub("/sign/[token hidden]", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
