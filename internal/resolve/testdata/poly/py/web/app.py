from flask import Flask

from .ctx import AppContext, make_context

app = Flask(__name__)
app_ctx: AppContext = make_context()
current = make_context()


def boot():
    app.run()
    app_ctx.push()
    current.push()
    make_context().repo().find("k")


class Worker:
    def handle(self, x):
        return x

    def run_all(self, xs):
        return list(map(self.handle, xs))


def start(current):
    import threading

    threading.Thread(target=boot)
    threading.Thread(target=current)
