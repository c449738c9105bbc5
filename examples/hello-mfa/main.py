#!/usr/bin/env pluginwrapper3
"""An example AA plugin; SPS instantiates the class named Plugin."""
from safeguard.sessions.plugin import AAPlugin


class Plugin(AAPlugin):
    def do_authenticate(self):
        return self.ask_mfa_password()
