pub mod routing;

pub use routing::Router;

pub fn serve(app: Router) -> Router {
    app
}
