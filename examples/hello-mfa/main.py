#!/usr/bin/env pluginwrapper3
"""An example AA plugin; SPS instantiates the class named Plugin."""
from safeguard.sessions.plugin import AAPlugin


class Plugin(AAPlugin):
    def do_authenticate(self):
        timeout = self.plugin_configuration.getint("hello", "timeout", default=60)
        self.logger.debug("Waiting %s seconds for the second factor", timeout)
        return self.ask_mfa_password()
