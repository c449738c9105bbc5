//! `workspace/didChangeConfiguration`: the editor settings read again.

use super::super::*;

impl Backend {
    pub(in crate::lsp::server) async fn on_did_change_configuration(
        &self,
        params: DidChangeConfigurationParams,
    ) {
        guard_notification("workspace/didChangeConfiguration", async {
            if self.state.caps().configuration {
                self.load_settings().await;
            } else if section(&params.settings).is_object() {
                let root = lock(&self.state.folders)
                    .first()
                    .cloned()
                    .unwrap_or_default();
                let read = editor_settings::read(section(&params.settings), &root);
                let problems = read.problems.clone();
                lock(&self.state.editor).global = read;
                self.report_problems(problems).await;
            }
            self.recheck_all().await;
        })
        .await;
    }
}
