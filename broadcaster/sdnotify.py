"""systemd's notification protocol (sd_notify): one datagram to $NOTIFY_SOCKET says the service is ready,
alive (its watchdog), or stopping. Nothing happens where no service manager listens (Windows, a console)."""

from __future__ import annotations

import os
import socket

READY = "READY=1"
WATCHDOG = "WATCHDOG=1"
STOPPING = "STOPPING=1"


def notify(state: str) -> bool:
    """Send ``state`` to the service manager; False when none listens or it cannot be reached."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):  # an abstract socket (Linux)
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError:
        return False  # a manager that went away must not stop the station
    return True
