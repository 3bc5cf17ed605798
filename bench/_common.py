# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""What the benchmarks share: a free loopback port, `entitlement emulator
serve` started and waited for, the benchmark app's token, and a clean stop."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_seed  # noqa: E402

DEFAULT_BIN = f"target/{os.environ.get('CARGO_BUILD_TARGET', 'x86_64-unknown-linux-gnu')}/release/entitlement"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Served:
    """`entitlement emulator serve --port P ARGS...`, its output in `tmp/emulator.log`.
    `started_at` is when the process was started (perf_counter), `startup_s` how
    long it took to print "listening"."""

    def __init__(self, binary, args, tmp, timeout=600):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(tmp, "emulator.log"), "w+")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen([binary, "emulator", "serve", "--port", str(self.port), *args],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        while True:
            self.log.seek(0)
            text = self.log.read()
            if "listening" in text:
                break
            if self.proc.poll() is not None:
                self.stop()
                sys.exit(f"bench: the emulator exited:\n{text}")
            if time.perf_counter() - self.started_at > timeout:
                self.stop()
                sys.exit(f"bench: the emulator did not start within {timeout} s")
            time.sleep(0.02)
        self.startup_s = time.perf_counter() - self.started_at
        self.tenant = re.search(r"tenant id:\s*(\S+)", text).group(1)

    @property
    def pid(self):
        return self.proc.pid

    def app_token(self, client_id=make_seed.BENCH_APP_ID, client_secret=make_seed.BENCH_APP_SECRET):
        """A token of the seeded benchmark app (client credentials)."""
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                       "client_secret": client_secret, "scope": "https://graph.microsoft.com/.default"})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("POST", f"/{self.tenant}/oauth2/v2.0/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
        return json.loads(conn.getresponse().read())["access_token"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
