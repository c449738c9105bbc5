//! `initialized`: the file watchers asked for, then the settings, then the
//! workspace listed and checked, each step when the one before is done.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn initialized(&mut self, _: InitializedParams) {
        self.register_watchers();
        let problems = self.editor.global.problems.clone();
        self.report_problems(problems);
        self.load_settings(|s| {
            s.redetect_instance_configs();
            // Documents opened before the settings came are checked again
            // (nothing is sent for those whose diagnostics stay the same).
            s.refresh(None);
            s.scan_workspace(None);
        });
    }
}
