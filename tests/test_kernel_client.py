"""The kernel client that runs the suite's notebooks cannot miss a reply that has arrived.

Real ZeroMQ sockets over TCP, as between nbclient and a kernel: a DEALER (the client's shell
channel) waits for a reply from a ROUTER (the kernel's shell socket). The reply arrives while the
event loop is busy elsewhere, and the client then sends on the same socket before the loop
looks, as nbclient does when it updates an Output widget during a widget cell. jupyter_client's
own asyncio channel misses that reply until its wait times out (or forever, with no timeout);
:class:`deepvision.grade.channels.PolledChannel` finds it within one poll slice.
"""

import asyncio
import contextlib
import time

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from deepvision import build
from deepvision.grade import channels
from deepvision.grade.hooks import TrackedExecute


@contextlib.contextmanager
def _socket_pair():
    """``(kernel, client)``: a ROUTER bound on a TCP port and an asyncio DEALER connected to it."""
    context = zmq.asyncio.Context()
    kernel = zmq.Context.instance().socket(zmq.ROUTER)
    client = context.socket(zmq.DEALER)
    try:
        port = kernel.bind_to_random_port("tcp://127.0.0.1")
        client.connect(f"tcp://127.0.0.1:{port}")
        yield kernel, client
    finally:
        client.close(linger=0)
        kernel.close(linger=0)
        context.term()


async def _reply_time(channel_class, timeout, send_during_wait):
    """Seconds from the reply's arrival until ``get_msg`` returns it (None: not within 3 s)."""
    with _socket_pair() as (kernel, client):
        session = Session(key=b"course")
        channel = channel_class(client, session)
        session.send(client, "kernel_info_request")
        identity = kernel.recv_multipart()[0]
        waiting = asyncio.ensure_future(channel.get_msg(timeout=timeout))
        for _ in range(5):
            await asyncio.sleep(0.01)  # the wait is now registered on the socket's wake-up
        session.send(kernel, "execute_reply", ident=identity)
        time.sleep(0.3)  # the reply arrives while the event loop is not looking
        if send_during_wait:
            session.send(client, "comm_msg")  # nbclient's Output-widget update
        arrived = time.monotonic()
        try:
            message = await asyncio.wait_for(waiting, 3)
        except asyncio.TimeoutError:
            return None
        assert message["msg_type"] == "execute_reply"
        return time.monotonic() - arrived


def test_a_send_during_the_wait_hides_the_reply_from_jupyter_clients_channel():
    """The failure this client exists for, shown on jupyter_client's own channel (if this ever
    fails, jupyter_client or pyzmq fixed it, and the polled client can go)."""
    plain = AsyncZMQSocketChannel
    assert asyncio.run(_reply_time(plain, None, send_during_wait=False)) is not None
    assert asyncio.run(_reply_time(plain, None, send_during_wait=True)) is None
    late = asyncio.run(_reply_time(plain, 2.0, send_during_wait=True))
    assert late is not None and late > 1.0, "found only when its 2 s wait ran out"


@pytest.mark.parametrize("timeout", [None, 2.5, 300.0])
def test_the_polled_channel_finds_the_reply_within_a_poll_slice(timeout, monkeypatch):
    # a slice well above the 0.35 s the reply takes to arrive: on a busy machine a wait that a
    # reply did wake must not look like one that ran out
    monkeypatch.setattr(channels, "POLL_SLICE", 1.5)
    polled, client = channels.PolledChannel, channels.PolledKernelClient
    before = client.missed_wakeups
    assert asyncio.run(_reply_time(polled, timeout, send_during_wait=False)) is not None
    assert client.missed_wakeups == before, "a reply that woke the wait is not a missed one"
    took = asyncio.run(_reply_time(polled, timeout, send_during_wait=True))
    assert took is not None and took < channels.POLL_SLICE + 1
    assert client.missed_wakeups == before + 1, "found by reading the socket after one slice"


def test_the_polled_channel_still_times_out_when_nothing_comes():
    async def wait_for_nothing():
        with _socket_pair() as (_, client):
            channel = channels.PolledChannel(client, Session(key=b"course"))
            started = time.monotonic()
            with pytest.raises(Exception) as raised:
                await channel.get_msg(timeout=1.2)
            return type(raised.value).__name__, time.monotonic() - started

    name, took = asyncio.run(wait_for_nothing())
    assert name == "Empty" and 1.2 <= took < 3


def test_notebooks_run_with_the_polled_client(tmp_path):
    """``build.execute`` (the suite's and ``build record-outputs``' runner) uses it: a real
    kernel runs a notebook whose cell updates an Output widget, and its outputs come back."""
    import nbformat

    manager = build.notebook_client(nbformat.v4.new_notebook()).create_kernel_manager()
    assert manager.client_factory is channels.PolledKernelClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets\nout = ipywidgets.Output()\ndisplay(out)\n"
            "with out:\n    print('inside')\nprint('after')"
        ),
        nbformat.v4.new_code_cell("1 + 1"),
    ]
    path = tmp_path / "widget.ipynb"
    nbformat.write(notebook, path)
    executed, _ = build.execute(path, timeout=60)
    assert "after" in executed.cells[0].outputs[-1]["text"]
    assert executed.cells[1].outputs[0]["data"]["text/plain"] == "2"


def test_the_grader_reads_kernels_with_the_polled_client():
    """nbgrader's Execute as the grader configures it (the autograde runs in
    test_grade_roundtrip and test_grade_walls go through it)."""
    manager = TrackedExecute(kernel_name="python3").create_kernel_manager()
    assert manager.client_factory is channels.PolledKernelClient
    assert isinstance(manager.client(), channels.PolledKernelClient)
