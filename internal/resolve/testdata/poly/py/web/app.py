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
