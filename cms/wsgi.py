import os

from django.core.wsgi import get_wsgi_application

from cms.envfile import load_env_file

# The same env file manage.py reads (/etc/sahakum/sahakum.env or $SAHAKUM_ENV_FILE).
load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
application = get_wsgi_application()
