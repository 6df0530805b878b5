"""The HTTP/1.1 protocol the services serve with: uvicorn's httptools (llhttp, in C), with the
bound on a request's head that uvicorn's h11 had.

h11 is pure Python: receiving a support's 400 KB cost capture 0.58-0.60 ms of CPU with it and
0.43-0.47 with httptools (docs/operations.md, *Capture's reception, eighth pass*). h11 refused
a request line and headers over 16 KiB; uvicorn's httptools protocol keeps whatever arrives
until the head ends, so a client could grow one header without end. The bound is kept here:
a head still open after more than `MAX_HEAD_BYTES` is answered 400 and the connection closed,
as h11's was.

A request's body is also taken in larger pieces: uvicorn stops reading a connection once 64 KiB
of body wait for the application, so a support's 540 KB reached it in about nine rounds (the
reading paused and resumed, a task woken, each middleware's `receive` passed through, the
bytes copied) where one or two do: the bound here is 1 MiB (docs/operations.md, *Capture's
reception, twelfth pass*).
"""

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024  # h11's bound (its largest incomplete event), which uvicorn used
REFUSAL = "Invalid HTTP request received."  # uvicorn's own words for a request it cannot read
# Body bytes a connection keeps for the application before its reading pauses (uvicorn: 64 KiB).
BODY_HIGH_WATER = 1024 * 1024


class BoundedHttpTools(HttpToolsProtocol):
    """Counts the reads that belong wholly to an open head: one that starts while a head is
    open, does not end it and begins no other message. The read where a head starts is not
    counted (it may hold the end of the message before), so a head is refused past the bound
    plus at most one read: a few hundred KiB at worst, never without end, and never a request
    whose head is within the bound."""

    head_open = False
    head_bytes = 0
    heads = 0  # heads begun on this connection

    def on_message_begin(self) -> None:
        self.head_open, self.head_bytes, self.heads = True, 0, self.heads + 1
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self.head_open = False
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        """uvicorn's, with the reading paused past `BODY_HIGH_WATER` instead of 64 KiB."""
        if (
            self.parser.should_upgrade() and self._should_upgrade()
        ) or self.cycle.response_complete:
            return
        self.cycle.body += body
        if len(self.cycle.body) > BODY_HIGH_WATER:
            self.flow.pause_reading()
        self.cycle.message_event.set()

    def data_received(self, data: bytes) -> None:
        open_before, heads_before = self.head_open, self.heads
        super().data_received(data)
        if open_before and self.head_open and self.heads == heads_before:
            self.head_bytes += len(data)
            if self.head_bytes > MAX_HEAD_BYTES:
                self.send_400_response(REFUSAL)
