#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "classes_mobiles.settings")
    # Commands on a developer's machine (no SECRET_KEY configured) run in development mode; a production
    # environment sets SECRET_KEY and keeps DEBUG off. The web server (wsgi.py) never gets this default.
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
