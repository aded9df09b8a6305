"""A registration rush sent from plain sockets: every connection opened first, then every request at once.

The test's client (300 threads, each with `requests`) spends about 0.8 s of the two cores on itself
before the server does any work: against a plain Flask endpoint it takes that long to settle. This
client writes ready-made bytes and waits in one `select` loop, so what it times is the server.
"""
import json
import selectors
import socket
import time
from urllib.parse import urlsplit


def _request(host: str, token: str, body: dict, path: str) -> bytes:
    payload = json.dumps(body).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n\r\n")
    return head.encode() + payload


def _outcome(answer: bytes) -> tuple[int, str | None]:
    head, _sep, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        data = json.loads(body)
    except ValueError:
        return status, None
    return status, data.get("status") or data.get("error", {}).get("code")


def rush(base: str, token: str, session_id: int, people: list[int], waitlist: bool,
         path: str = "/api/v1/enrolments") -> dict:
    """The same answer as the test's rush(): statuses, outcomes, seconds to settle and the p99 latency.
    `path` sends the same bodies elsewhere: to hello-world, for the yardstick."""
    address = urlsplit(base)
    host = address.netloc
    wanted = [_request(host, token, {"session_id": session_id, "resident_id": p, "waitlist": waitlist}, path)
              for p in people]
    sockets = [socket.create_connection((address.hostname, address.port)) for _ in wanted]
    selector = selectors.DefaultSelector()
    received: dict[socket.socket, bytearray] = {}
    began = time.perf_counter()
    for conn, data in zip(sockets, wanted, strict=True):
        conn.sendall(data)
        conn.setblocking(False)
        received[conn] = bytearray()
        selector.register(conn, selectors.EVENT_READ)
    finished: dict[socket.socket, float] = {}
    while len(finished) < len(sockets):
        for key, _events in selector.select(timeout=120):
            chunk = key.fileobj.recv(65536)
            if chunk:
                received[key.fileobj] += chunk
                continue
            finished[key.fileobj] = time.perf_counter() - began
            selector.unregister(key.fileobj)
            key.fileobj.close()
    answers = [_outcome(bytes(received[conn])) for conn in sockets]
    latencies = sorted(finished.values())
    return {"statuses": [a[0] for a in answers], "outcomes": [a[1] for a in answers],
            "settled": max(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1]}
