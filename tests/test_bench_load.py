"""The benchmark's load generators and server harness, on tiny sizes (no timing is asserted)."""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from bench import load
from bench.server import Server, children

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40000/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  40.00ms   90.00%
    Req/Sec     1.30k   100.00     1.50k    70.00%
  Latency Distribution
     50%    2.95ms
     75%    3.40ms
     90%    4.10ms
     99%  812.00us
  12990 requests in 5.00s, 150.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   2598.12
Transfer/sec:     30.00MB
"""


def test_wrk_output_is_read():
    result = load.parse_wrk(WRK_OUTPUT)
    assert result.rps == pytest.approx(2598.12)
    assert result.p50_ms == pytest.approx(2.95)
    assert result.p99_ms == pytest.approx(0.812)
    assert result.requests == 12990
    assert result.errors == 3


def test_unreadable_wrk_latency_is_an_error():
    with pytest.raises(ValueError, match="unreadable"):
        load._ms("12 parsecs")


def test_lua_script_rotates_over_every_target_and_escapes():
    script = load.lua_script([("/wiki/A", ""), ('/wiki/Dit "bonjour"', "session=x\\y")])
    assert '{"/wiki/A", ""}' in script
    assert '{"/wiki/Dit \\"bonjour\\"", "session=x\\\\y"}' in script
    assert 'wrk.format("GET", t[1], {["Cookie"] = t[2]})' in script


def test_percentile_by_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 50) == 50.0
    assert load.percentile(values, 95) == 95.0
    assert load.percentile(values, 100) == 100.0
    assert load.percentile([], 95) == 0.0


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _tiny_app(environ, start_response):
    status = "200 OK" if environ["PATH_INFO"] != "/absent" else "404 Not Found"
    cookie = environ.get("HTTP_COOKIE", "")
    start_response(status, [("Content-Type", "text/plain")])
    return [f"{environ['PATH_INFO']} {cookie}".encode()]


@pytest.fixture
def tiny_server():
    class Threaded(WSGIServer):
        daemon_threads = True

    server = make_server("127.0.0.1", 0, _tiny_app, server_class=Threaded, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_python_load_generator_counts_requests_and_errors(tiny_server):
    result = load.run_python(tiny_server, [("/a", ""), ("/b", "session=1"), ("/absent", "")],
                             duration=0.3, connections=2)
    assert result.tool == "python"
    assert result.requests > 0
    assert 0 < result.errors < result.requests  # every third request is a 404
    assert result.p50_ms <= result.p99_ms


def test_client_sends_the_cookie(tiny_server):
    client = load.Client(tiny_server, cookie="session=abc")
    status, _headers, body = client.request("GET", "/x")
    assert status == 200
    assert body == b"/x session=abc"
    assert client.request("GET", "/y", cookie="")[2] == b"/y "
    client.close()


def test_gunicorn_harness_serves_the_hello_app_and_measures_memory():
    with Server("bench.hello:app", workers=1) as server:
        status, _h, body = load.Client(server.base).request("GET", "/")
        assert (status, body) == (200, b"Bonjour")
        assert server.cold_start_s > 0
        assert len(server.pids()) == 2  # master and one worker
        assert server.pss_mb() > 1
        master = server.proc.pid
    assert children(master) == []
    assert server.proc.poll() is not None
