"""ConnectionSet: which kept-alive connection a request takes, and which are closed when."""

from __future__ import annotations

import httpx

from ossbrowse.oss.connections import ConnectionSet


class Transport(httpx.BaseTransport):
    """Stands for a one-connection transport: numbered, and knows whether it was closed."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.closed = False

    def close(self) -> None:
        self.closed = True


class Made:
    def __init__(self) -> None:
        self.transports: list[Transport] = []

    def __call__(self) -> Transport:
        self.transports.append(Transport(len(self.transports)))
        return self.transports[-1]


def test_requests_in_flight_each_take_their_own_and_the_latest_given_back_is_reused() -> None:
    made = Made()
    connections = ConnectionSet(made, keepalive_s=60.0)
    first, second = connections.take(), connections.take()
    assert first is not second and len(connections) == 2
    connections.give_back(first)
    connections.give_back(second)
    assert connections.take() is second  # the most recent: its connection is the warmest
    assert connections.take() is first
    assert len(made.transports) == 2 and connections.idle == 0


def test_the_oldest_idle_connection_is_closed_once_past_the_keepalive() -> None:
    now = [0.0]
    made = Made()
    connections = ConnectionSet(made, keepalive_s=10.0, clock=lambda: now[0])
    taken = [connections.take() for _ in range(3)]
    for transport in taken:
        connections.give_back(transport)
    now[0] = 5.0
    reused = connections.take()
    assert not any(t.closed for t in made.transports)  # nothing expired yet
    connections.give_back(reused)
    now[0] = 10.5  # the two given back at 0 have expired; the one given back at 5 has not
    assert connections.take() is reused
    assert [t.closed for t in made.transports] == [True, False, False]
    assert len(connections) == 2 and connections.idle == 1
    connections.give_back(reused)
    connections.take()
    assert [t.closed for t in made.transports] == [True, True, False]
    assert len(connections) == 1


def test_close_closes_every_transport_and_one_given_back_later() -> None:
    made = Made()
    connections = ConnectionSet(made, keepalive_s=60.0)
    idle, busy = connections.take(), connections.take()
    connections.give_back(idle)
    connections.close()
    assert idle.closed and busy.closed
    assert len(connections) == 0 and connections.idle == 0
    connections.give_back(busy)  # its request ended after close(): not kept
    assert connections.idle == 0
