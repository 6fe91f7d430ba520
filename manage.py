#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # A deployment's settings come from one env file (/etc/sahakum/sahakum.env or
    # $SAHAKUM_ENV_FILE), which sets DJANGO_SETTINGS_MODULE=cms.settings.production; without it
    # this is a development checkout.
    from cms.envfile import load_env_file

    load_env_file()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
