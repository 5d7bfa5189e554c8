#!/usr/bin/python3
"""Loopback TCP traffic for `allocsim record`: MB megabytes (default 200) sent
over 127.0.0.1 from a client process to a server process, in 64 KiB writes,
with only the standard library. Usage: tcp_loopback.py [MB]"""

import os
import socket
import sys

CHUNK = 64 * 1024


def main() -> int:
    total = int(sys.argv[1] if len(sys.argv) > 1 else 200) * 1024 * 1024
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    pid = os.fork()
    if pid == 0:  # the client
        server.close()
        with socket.create_connection(("127.0.0.1", port)) as c:
            data = b"\x5a" * CHUNK
            sent = 0
            while sent < total:
                c.sendall(data)
                sent += CHUNK
        os._exit(0)
    conn, _ = server.accept()
    received = 0
    with conn:
        while True:
            block = conn.recv(CHUNK)
            if not block:
                break
            received += len(block)
    _, status = os.waitpid(pid, 0)
    if received != total or status != 0:
        print(f"tcp_loopback: received {received} of {total} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
