//! `workspace/didChangeConfiguration`: the editor settings read again.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn did_change_configuration(
        &mut self,
        params: DidChangeConfigurationParams,
    ) {
        if self.caps.configuration {
            self.load_settings(Session::recheck_all);
            return;
        }
        if section(&params.settings).is_object() {
            let root = self.folders.first().cloned().unwrap_or_default();
            let read = editor_settings::read(section(&params.settings), &root);
            let problems = read.problems.clone();
            self.editor.global = read;
            self.report_problems(problems);
        }
        self.recheck_all();
    }
}
