"""The HTTP layer. ``matchmaker.web.app.create_app`` builds the application; this package
re-exports nothing, so importing one route module never imports the whole app."""
