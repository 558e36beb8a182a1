"""A WSGI origin on 127.0.0.1 (wsgiref, the standard library's server): it answers every request with the
CGI view of it as JSON (REQUEST_METHOD, PATH_INFO, QUERY_STRING and every HTTP_* key). GET /__count, asked
directly, answers how many requests it served before. It prints its port on stdout."""
import json
from wsgiref.simple_server import WSGIRequestHandler, make_server

served = 0


def app(environ, start_response):
    global served
    if environ["PATH_INFO"] == "/__count":
        body = json.dumps(served)
    else:
        served += 1
        seen = {k: v for k, v in environ.items() if k.startswith("HTTP_")}
        seen.update({k: environ.get(k, "") for k in ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING")})
        body = json.dumps(seen, sort_keys=True)
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Origin", "wsgi")])
    return [body.encode()]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


with make_server("127.0.0.1", 0, app, handler_class=QuietHandler) as server:
    print(server.server_port, flush=True)
    server.serve_forever()
