"""Kernel-client channels that cannot miss a message that has arrived.

nbclient (and so nbgrader's Execute, and ``deepvision.build.execute``) mimics JupyterLab's Output
widget: while a widget cell runs, it sends ``comm_msg`` updates on the shell socket it is also
waiting on for that cell's reply. A send on a ZeroMQ socket processes the socket's pending
commands, which clears the edge-triggered wake-up that asyncio waits for. A reply that arrived
just before the send is then in the socket, and jupyter_client's asyncio channel does not see
it until its wait times out (``tests/test_kernel_client.py`` shows this on jupyter_client's own
channel, with real sockets).

Measured before this client: in the suite, chapter 09's full-mode run sat idle after its
architecture-explorer cell, the kernel finished, until the 300 s cell timeout, twice in three
fresh-clone runs (324 s and 332 s, against 22 to 29 s), and in 2 of 6 runs of that notebook
alone with two busy processes that stop mid-run. After the timeout a last look at the socket
finds the reply, so those runs passed, 5 minutes late. In grading, where a cell may take 600 s,
the same wait would run an honest submission into its wall-time limit.

:class:`PolledChannel` waits at most :data:`POLL_SLICE` at a time and then reads the socket
without blocking, so a missed wake-up costs half a second. Measured with it, under the same
load: no stall in 28 runs of chapter 09 (the longest 37.1 s), and 6 missed wake-ups found this
way, in 5 of those runs. :class:`PolledKernelClient` uses it on
every channel; ``PolledKernelClient.missed_wakeups`` counts the messages found that way.
:func:`use_polled_channels` gives a kernel manager this client.

Taught in: nowhere (grading and test infrastructure).
"""

from __future__ import annotations

import time
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

#: Longest one wait on a kernel socket lasts before the socket itself is read (seconds).
POLL_SLICE = 0.5


class PolledChannel(AsyncZMQSocketChannel):
    """jupyter_client's asyncio channel, reading the socket after every :data:`POLL_SLICE`."""

    async def get_msg(self, timeout: float | None = None) -> dict:
        """The next message; ``queue.Empty`` when none comes within ``timeout`` seconds (None:
        wait as long as it takes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        ran_out = False  # the last wait lasted its whole slice
        while True:
            try:
                frames = await self.socket.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.Again:
                pass
            else:
                if ran_out:
                    PolledKernelClient.missed_wakeups += 1
                _, message = self.session.feed_identities(frames)
                return self.session.deserialize(message)
            wait = POLL_SLICE
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            if wait <= 0:
                raise Empty
            started = time.monotonic()
            await self.socket.poll(int(wait * 1000))
            ran_out = time.monotonic() - started >= wait


class PolledKernelClient(AsyncKernelClient):
    """jupyter_client's asyncio kernel client with :class:`PolledChannel` on every channel."""

    #: Messages found by reading the socket after a wait that ran out (in this process).
    missed_wakeups = 0

    shell_channel_class = Type(PolledChannel)
    iopub_channel_class = Type(PolledChannel)
    stdin_channel_class = Type(PolledChannel)
    control_channel_class = Type(PolledChannel)


def use_polled_channels(manager):
    """Make ``manager`` (a jupyter_client ``AsyncKernelManager``) hand out
    :class:`PolledKernelClient`; returns it."""
    manager.client_factory = PolledKernelClient
    return manager
