from .app import app, app_ctx


@app.route("/")
def index():
    app_ctx.repo().find("x")
    app_ctx.push()
