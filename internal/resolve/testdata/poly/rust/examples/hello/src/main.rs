use axum::Router;
use tokio::net::TcpListener;

fn main() {
    let app = Router::new();
    app.route("/");
    axum::serve(Router::new());
    axum::routing::Router::new();
    axum_core::body();
    TcpListener::bind("0.0.0.0:3000");
    helper();
    crate::helper();
}

fn helper() {}
