"""Behind a reverse proxy the hub counts each browser by its own address, only when told the proxy is there."""

from werkzeug.test import Client
from werkzeug.wrappers import Response

from broadcaster.hub.server import behind


def seen(environ, start_response):
    return Response(f"{environ['REMOTE_ADDR']} {environ['wsgi.url_scheme']}")(environ, start_response)


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_one_proxy_gives_the_browsers_address_and_scheme():
    answer = Client(behind(seen, 1)).get("/", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "203.0.113.9 https"


def test_without_a_proxy_a_forwarded_header_is_not_believed():
    answer = Client(behind(seen, 0)).get("/", headers=FORWARDED, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert answer.get_data(as_text=True) == "198.51.100.7 http"
