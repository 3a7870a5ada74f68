import logging

import pytest

TOKEN = "q8Wk2_Xr-4aL0mNpZ7sT1uVyB3cD5eF6gH9iJ0kLmNo"


@pytest.mark.parametrize(
    ("logger", "message", "args", "shown"),
    [
        (
            "django.server",
            '"%s" %s %s',
            (f"GET /sign/{TOKEN}/code/ HTTP/1.1", 200, 512),
            '"GET /sign/[token hidden]/code/ HTTP/1.1" 200 512',
        ),
        (
            "django.request",
            "Not Found: %s",
            (f"/sign/{TOKEN}/",),
            "Not Found: /sign/[token hidden]/",
        ),
        ("django.server", '"%s" %s %s', ("GET /cases/ HTTP/1.1", 200, 9), None),
    ],
)
def test_signing_tokens_never_reach_the_log(logger, message, args, shown):
    record = logging.getLogger(logger).makeRecord(
        logger, logging.WARNING, __file__, 1, message, args, None
    )
    # The handler the record reaches: its logger's, or the nearest parent's.
    named = logging.getLogger(logger)
    while not named.handlers:
        named = named.parent
    [handler] = [h for h in named.handlers if h.formatter and h.filters]

    assert handler.filter(record)
    line = handler.format(record)

    assert TOKEN not in line
    assert line.endswith(shown or message % args)
