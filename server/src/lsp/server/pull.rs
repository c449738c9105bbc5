//! Pull diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`):
//! a result id per list of findings, a kept result while nothing it depends
//! on changed, and the workspace's report plugin by plugin.

use super::*;

/// A result id for a list of diagnostics: the same diagnostics, the same id.
pub(super) fn result_id(items: &[Diagnostic]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(items)
        .unwrap_or_default()
        .hash(&mut h);
    format!("{:016x}", h.finish())
}

/// What a pull of one document's diagnostics gives.
pub(super) enum PullReport {
    Unchanged(String),
    Full(Option<String>, Vec<Diagnostic>),
}

/// One document's diagnostics for a pull: `unchanged` when they are those
/// of `previous`, without analysing anything when nothing changed since
/// they were computed. The version of the document, if open.
pub(super) async fn pull(
    state: &State,
    uri: &Uri,
    previous: Option<&str>,
) -> Result<(Option<i32>, PullReport)> {
    let version = lock(&state.docs).get(uri).map(|d| d.version);
    let open = version.is_some();
    let stamp = (!open)
        .then(|| DiskFiles::unconfined().stamp(&uri_path(uri)))
        .flatten();
    if !open && stamp.is_none() {
        // No such file (any more): nothing to report.
        lock(&state.pulled).remove(uri);
        return Ok((None, PullReport::Full(None, Vec::new())));
    }
    let kept = lock(&state.pulled).get(uri).map(|p| {
        (
            p.open == open && p.stamp == stamp,
            // Closed then and now, and the file is not as it was.
            !p.open && !open && p.stamp != stamp,
            p.generation,
            p.result_id.clone(),
        )
    });
    if let Some((same_file, changed_unseen, kept_generation, result_id)) = kept {
        if changed_unseen {
            // The file changed with no event for it: what was computed from
            // the disk is stale, not only this document's result. (A
            // document just closed is not that: its disk result is new.)
            state.disk_changed();
        }
        let generation = state.generation_of(open);
        if same_file && kept_generation == generation && previous == Some(result_id.as_str()) {
            return Ok((version, PullReport::Unchanged(result_id)));
        }
    }
    let generation = state.generation_of(open);
    let Some(snapshot) = state.snapshot(uri).or_else(|| state.disk_snapshot(uri)) else {
        return Ok((version, PullReport::Full(None, Vec::new())));
    };
    let version = open.then_some(snapshot.doc.version);
    let items = guard("textDocument/diagnostic", move || {
        let diags = handlers::diagnostics::analyse(&snapshot);
        Ok(handlers::diagnostics::to_lsp(&snapshot, &diags))
    })
    .await?;
    let id = result_id(&items);
    let report = if previous == Some(id.as_str()) {
        PullReport::Unchanged(id.clone())
    } else {
        PullReport::Full(Some(id.clone()), items)
    };
    lock(&state.pulled).insert(
        uri.clone(),
        Pulled {
            open,
            generation,
            result_id: id,
            stamp,
        },
    );
    Ok((version, report))
}

impl Backend {
    pub(super) async fn on_diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let (_, report) = pull(&self.state, &uri, params.previous_result_id.as_deref()).await?;
        Ok(DocumentDiagnosticReportResult::Report(match report {
            PullReport::Unchanged(result_id) => {
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id,
                    },
                })
            }
            PullReport::Full(result_id, items) => {
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id,
                        items,
                    },
                })
            }
        }))
    }

    pub(super) async fn on_workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        // Before the first listing there is nothing to report but the open
        // documents: wait for it (bounded, for a client that never sends
        // `initialized`).
        let mut listed = self.state.listed.subscribe();
        let _ = tokio::time::timeout(LISTING_WAIT, listed.wait_for(|done| *done)).await;
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        let mut uris: Vec<Uri> =
            self.documents_where(|p, _| self.state.scope(p) == Scope::Workspace, true);
        let open: HashMap<Uri, (PathBuf, Option<DocKind>)> = lock(&self.state.docs)
            .iter()
            .map(|(u, d)| (u.clone(), (d.path.clone(), d.kind)))
            .collect();
        // An open document is the editor's to pull whatever the scope.
        uris.extend(
            open.iter()
                .filter(|(_, (_, k))| k.is_some())
                .map(|(u, _)| u.clone()),
        );
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        uris.dedup();
        // Plugin by plugin, the plugins sharing the cores as the push-mode
        // start does: a plugin's documents in turn find its code's results
        // kept.
        let closed = lock(&self.state.workspace_docs).clone();
        let located: Vec<(&Uri, &PathBuf, DocKind)> = uris
            .iter()
            .filter_map(|u| match open.get(u) {
                Some((p, k)) => k.map(|k| (u, p, k)),
                None => closed.get(u).map(|(p, k)| (u, p, *k)),
            })
            .collect();
        let plugins = by_plugin(located);
        let previous = Arc::new(previous);
        let mut pulls = tokio::task::JoinSet::new();
        for uris in plugins {
            let (state, previous) = (self.state.clone(), previous.clone());
            pulls.spawn(async move {
                let mut out = Vec::with_capacity(uris.len());
                for uri in uris {
                    let Ok(_permit) = state.analyses.acquire().await else {
                        break;
                    };
                    let pulled = pull(&state, &uri, previous.get(&uri).map(String::as_str)).await;
                    out.push((uri, pulled));
                }
                out
            });
        }
        let mut pulled = Vec::with_capacity(uris.len());
        while let Some(done) = pulls.join_next().await {
            pulled.extend(done.map_err(|_| Error::internal_error())?);
        }
        pulled.sort_by(|(a, _), (b, _)| a.as_str().cmp(b.as_str()));
        let reported: HashSet<Uri> = pulled.iter().map(|(u, _)| u.clone()).collect();
        let mut items = Vec::with_capacity(pulled.len());
        for (uri, result) in pulled {
            let (version, report) = result?;
            let version = version.map(i64::from);
            items.push(match report {
                PullReport::Unchanged(result_id) => WorkspaceDocumentDiagnosticReport::Unchanged(
                    WorkspaceUnchangedDocumentDiagnosticReport {
                        uri,
                        version,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id,
                        },
                    },
                ),
                PullReport::Full(result_id, items) => {
                    WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id,
                            items,
                        },
                    })
                }
            });
        }
        // A file the client holds a result for and the workspace no longer
        // has (deleted, or out of scope now) is cleared: a client keeps a
        // file's last result until a report replaces it.
        let mut gone: Vec<&Uri> = previous.keys().filter(|u| !reported.contains(u)).collect();
        gone.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        for uri in gone {
            items.push(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri: uri.clone(),
                    version: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: Vec::new(),
                    },
                },
            ));
        }
        // Settled once the report is on its way: its serialisation reuses
        // the heap the pulls leave free, rather than new pages.
        let state = self.state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            settle_after_workspace_check(&state).await;
        });
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }
}
