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

/// One document's pull: its version, if open, and its report.
type PullResult = (Option<i32>, PullReport);

/// How a pull of one document is answered: at once from what is known,
/// or by an analysis off the loop.
pub(super) enum PullPlan {
    Known(Option<i32>, PullReport),
    Analyse(Box<PendingPull>),
}

/// A document to analyse for a pull, and what its result is recorded with.
pub(super) struct PendingPull {
    uri: Uri,
    source: PullSource,
    open: bool,
    generation: u64,
    stamp: Option<u64>,
}

enum PullSource {
    Open(RequestSnapshot),
    Disk(crate::lsp::snapshot::DiskDocument),
}

impl Session {
    /// One document's pull, decided on the loop: `unchanged` when its
    /// diagnostics are those of `previous` and nothing they depend on
    /// changed since they were computed; else what to analyse.
    pub(super) fn plan_pull(&mut self, uri: &Uri, previous: Option<&str>) -> PullPlan {
        let version = self.docs.get(uri).map(|d| d.version);
        let open = version.is_some();
        let stamp = (!open)
            .then(|| DiskFiles::unconfined().stamp(&uri_path(uri)))
            .flatten();
        if !open && stamp.is_none() {
            // No such file (any more): nothing to report.
            self.pulled.remove(uri);
            return PullPlan::Known(None, PullReport::Full(None, Vec::new()));
        }
        if let Some(p) = self.pulled.get(uri) {
            let same_file = p.open == open && p.stamp == stamp;
            // Closed then and now, and the file is not as it was.
            let changed_unseen = !p.open && !open && p.stamp != stamp;
            let (kept_generation, result_id) = (p.generation, p.result_id.clone());
            if changed_unseen {
                // The file changed with no event for it: what was computed
                // from the disk is stale, not only this document's result.
                // (A document just closed is not that: its disk result is new.)
                self.disk_changed();
            }
            if same_file
                && kept_generation == self.generation_of(open)
                && previous == Some(result_id.as_str())
            {
                return PullPlan::Known(version, PullReport::Unchanged(result_id));
            }
        }
        let generation = self.generation_of(open);
        let source = match self.snapshot(uri) {
            Some(s) => PullSource::Open(s),
            None => match self.disk_document(uri) {
                Some(d) => PullSource::Disk(d),
                None => return PullPlan::Known(version, PullReport::Full(None, Vec::new())),
            },
        };
        PullPlan::Analyse(Box::new(PendingPull {
            uri: uri.clone(),
            source,
            open,
            generation,
            stamp,
        }))
    }

    fn record_pull(&mut self, uri: Uri, pulled: Pulled) {
        self.pulled.insert(uri, pulled);
    }

    pub(super) fn document_pull(&mut self, id: Id, params: DocumentDiagnosticParams) {
        let uri = params.text_document.uri;
        let previous = params.previous_result_id;
        let report = |report: PullReport| {
            DocumentDiagnosticReportResult::Report(match report {
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
            })
        };
        match self.plan_pull(&uri, previous.as_deref()) {
            PullPlan::Known(_, r) => self.answer(&id, Ok(report(r))),
            PullPlan::Analyse(pending) => {
                let events = self.events.clone();
                self.spawn_request(id, "textDocument/diagnostic", move || {
                    let (_, r) = analyse_pull(pending, previous.as_deref(), &events)?;
                    Ok(report(r))
                });
            }
        }
    }

    pub(super) fn workspace_pull(&mut self, id: Id, params: WorkspaceDiagnosticParams) {
        // Before the first listing there is nothing to report but the open
        // documents: wait for it (bounded, for a client that never sends
        // `initialized`).
        if !self.listing.listed {
            self.listing.waiting.push((id, params));
            let events = self.events.clone();
            tokio::spawn(async move {
                tokio::time::sleep(LISTING_WAIT).await;
                Session::apply_later(&events, Session::answer_waiting_pulls);
            });
            return;
        }
        self.answer_workspace_pull(id, params);
    }

    /// Answers a workspace pull from the documents listed so far.
    fn answer_workspace_pull(&mut self, id: Id, params: WorkspaceDiagnosticParams) {
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        let mut uris: Vec<Uri> =
            self.documents_where(|p, _| self.scope(p) == Scope::Workspace, true);
        // An open document is the editor's to pull whatever the scope.
        uris.extend(
            self.docs
                .iter()
                .filter(|(_, d)| d.kind.is_some())
                .map(|(u, _)| u.clone()),
        );
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        uris.dedup();
        // Plugin by plugin, the plugins sharing the cores as the push-mode
        // start does: a plugin's documents in turn find its code's results
        // kept.
        let located: Vec<(Uri, PathBuf, DocKind)> = uris
            .iter()
            .filter_map(|u| match self.docs.get(u) {
                Some(d) => d.kind.map(|k| (u.clone(), d.path.clone(), k)),
                None => self
                    .workspace_docs
                    .get(u)
                    .map(|(p, k)| (u.clone(), p.clone(), *k)),
            })
            .collect();
        let plugins = by_plugin(located.iter().map(|(u, p, k)| (u, p, *k)).collect());
        let mut known = Vec::new();
        let mut groups: Vec<Vec<(Box<PendingPull>, Option<String>)>> = Vec::new();
        for uris in plugins {
            let mut group = Vec::new();
            for uri in uris {
                let prev = previous.get(&uri).cloned();
                match self.plan_pull(&uri, prev.as_deref()) {
                    PullPlan::Known(version, report) => known.push((uri, (version, report))),
                    PullPlan::Analyse(pending) => group.push((pending, prev)),
                }
            }
            if !group.is_empty() {
                groups.push(group);
            }
        }
        let reported: HashSet<Uri> = uris.iter().cloned().collect();
        // A file the client holds a result for and the workspace no longer
        // has (deleted, or out of scope now) is cleared: a client keeps a
        // file's last result until a report replaces it.
        let mut gone: Vec<Uri> = previous
            .into_keys()
            .filter(|u| !reported.contains(u))
            .collect();
        gone.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let key = id.to_string();
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        self.in_flight.insert(key.clone(), cancelled.clone());
        let (out, events, permits) = (
            self.client.out.clone(),
            self.events.clone(),
            self.pull_permits.clone(),
        );
        tokio::spawn(async move {
            let mut pulls = tokio::task::JoinSet::new();
            for group in groups {
                let (events, permits) = (events.clone(), permits.clone());
                let cancelled = cancelled.clone();
                // A plugin's documents on one blocking thread, in turn.
                pulls.spawn(async move {
                    let Ok(_permit) = permits.acquire_owned().await else {
                        return None;
                    };
                    // One pass over the workspace: its indexes are not kept.
                    tokio::task::spawn_blocking(move || {
                        crate::analysis::python::cache::in_one_pass(|| {
                            let mut out = Vec::with_capacity(group.len());
                            for (pending, prev) in group {
                                // A cancelled pull stops analysing: the client
                                // has asked again, or gone.
                                if cancelled.load(std::sync::atomic::Ordering::SeqCst) {
                                    break;
                                }
                                let uri = pending.uri.clone();
                                let pulled = contained("workspace/diagnostic", || {
                                    analyse_pull(pending, prev.as_deref(), &events)
                                });
                                out.push((uri, pulled));
                            }
                            out
                        })
                    })
                    .await
                    .ok()
                });
            }
            let mut pulled: Vec<(Uri, Result<PullResult>)> =
                known.into_iter().map(|(u, r)| (u, Ok(r))).collect();
            let mut failed = false;
            while let Some(done) = pulls.join_next().await {
                match done {
                    Ok(Some(done)) => pulled.extend(done),
                    _ => failed = true,
                }
            }
            let result = if cancelled.load(std::sync::atomic::Ordering::SeqCst) {
                Err(Error::request_cancelled())
            } else if failed {
                Err(Error::internal_error())
            } else {
                workspace_report(pulled, gone)
            };
            let _ = out.send(super::super::rpc::response_body(&id, result));
            Session::apply_later(&events, move |s| {
                s.in_flight.remove(&key);
                // Settled once the report is on its way: its serialisation
                // reuses the heap the pulls leave free, rather than new pages.
                let events = s.events.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    Session::apply_later(&events, |s| s.settle_after_workspace_check());
                });
            });
        });
    }

    /// Answers the workspace pulls that waited for the first listing: now
    /// that it is done, or when waiting longer would hold the client up.
    pub(super) fn answer_waiting_pulls(&mut self) {
        // Answered from what is listed, or from the open documents alone.
        for (id, params) in std::mem::take(&mut self.listing.waiting) {
            self.answer_workspace_pull(id, params);
        }
    }
}

/// Analyses a pulled document off the loop; its result is recorded on the loop.
fn analyse_pull(
    pending: Box<PendingPull>,
    previous: Option<&str>,
    events: &UnboundedSender<Event>,
) -> Result<(Option<i32>, PullReport)> {
    let PendingPull {
        uri,
        source,
        open,
        generation,
        stamp,
    } = *pending;
    let snapshot = match source {
        PullSource::Open(s) => s,
        PullSource::Disk(d) => match d.read() {
            Some(s) => s,
            None => return Ok((None, PullReport::Full(None, Vec::new()))),
        },
    };
    let version = open.then_some(snapshot.doc.version);
    let diags = handlers::diagnostics::analyse(&snapshot);
    let items = handlers::diagnostics::to_lsp(&snapshot, &diags);
    let id = result_id(&items);
    let report = if previous == Some(id.as_str()) {
        PullReport::Unchanged(id.clone())
    } else {
        PullReport::Full(Some(id.clone()), items)
    };
    let pulled = Pulled {
        open,
        generation,
        result_id: id,
        stamp,
    };
    Session::apply_later(events, move |s| s.record_pull(uri, pulled));
    Ok((version, report))
}

/// The workspace's report: the documents pulled, by URI, then those cleared.
fn workspace_report(
    mut pulled: Vec<(Uri, Result<PullResult>)>,
    gone: Vec<Uri>,
) -> Result<WorkspaceDiagnosticReportResult> {
    pulled.sort_by(|(a, _), (b, _)| a.as_str().cmp(b.as_str()));
    let mut items = Vec::with_capacity(pulled.len() + gone.len());
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
    for uri in gone {
        items.push(WorkspaceDocumentDiagnosticReport::Full(
            WorkspaceFullDocumentDiagnosticReport {
                uri,
                version: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items: Vec::new(),
                },
            },
        ));
    }
    Ok(WorkspaceDiagnosticReportResult::Report(
        WorkspaceDiagnosticReport { items },
    ))
}
