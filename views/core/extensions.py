"""Extension objects, created once at import and bound to the app in create_app."""
from flask_login import LoginManager
from flask_migrate import Migrate

login_manager = LoginManager()
login_manager.login_view = "auth.login"
migrate = Migrate()
