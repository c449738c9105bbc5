//! The queue of checks whose diagnostics are pushed: what runs, in which
//! order, and what it publishes. Owned by the loop with the rest of the
//! state: a job's snapshots are taken on the loop when it starts, it runs
//! on a blocking thread, and its results come back to the loop, which
//! publishes those still wanted.

use std::collections::VecDeque;

use super::*;
use crate::lsp::snapshot::DiskDocument;

/// Re-checks asked for and not yet started, and those running. A document
/// has at most one queued check, which holds only its URI and takes its
/// snapshot when it starts; asking again while one is queued joins it.
/// Every request gets a ticket: a result is published only if no later
/// request was made for the document meanwhile (a later one publishes
/// then), so two analyses of the same version cannot publish out of order.
pub(super) struct Checks {
    /// The latest request's ticket per document.
    wanted: HashMap<Uri, u64>,
    /// Documents whose check has not started yet.
    queued: HashSet<Uri>,
    tickets: u64,
    /// Open documents' checks: they go first.
    urgent: VecDeque<Job>,
    /// The workspace's closed documents, a plugin's documents together.
    background: VecDeque<Job>,
    running: usize,
    /// Jobs running at once: the cores, so that requests find a thread.
    limit: usize,
}

/// Documents checked one after the other on one thread: a plugin's, so
/// that its code rules run once and its other documents find them kept.
struct Job {
    uris: Vec<Uri>,
    /// The workspace check this job is part of, for its progress.
    scan_run: Option<u64>,
}

/// One document of a running job.
enum Source {
    Open(RequestSnapshot),
    Disk(DiskDocument),
}

/// A document checked: the diagnostics to publish, if they may be.
struct Checked {
    uri: Uri,
    ticket: u64,
    version: Option<i32>,
    /// The diagnostics serialised (a JSON array), and whether there are none.
    diagnostics: Option<(String, bool)>,
}

impl Checks {
    pub(super) fn new(limit: usize) -> Self {
        Self {
            wanted: HashMap::new(),
            queued: HashSet::new(),
            tickets: 0,
            urgent: VecDeque::new(),
            background: VecDeque::new(),
            running: 0,
            limit,
        }
    }

    /// No check of `uri` under way may publish any more.
    pub(super) fn forget(&mut self, uri: &Uri) {
        self.wanted.remove(uri);
    }

    /// A new ticket for `uri`; true when no check of it is queued yet.
    fn want(&mut self, uri: &Uri) -> bool {
        self.tickets += 1;
        self.wanted.insert(uri.clone(), self.tickets);
        self.queued.insert(uri.clone())
    }
}

impl Session {
    /// Asks for a document to be checked again and its diagnostics
    /// published; requests made before the check starts are one check.
    /// A client that pulls diagnostics gets none pushed.
    pub(super) fn publish(&mut self, uri: Uri) {
        if self.caps.pull {
            // The client pulls; the change that asked for this was counted.
            return;
        }
        if self.checks.want(&uri) {
            let job = Job {
                uris: vec![uri.clone()],
                scan_run: None,
            };
            if self.is_open(&uri) {
                self.checks.urgent.push_back(job);
            } else {
                self.checks.background.push_back(job);
            }
        }
        self.start_checks();
    }

    /// Queues the workspace check's documents, a plugin's in one job; the
    /// number queued (those already queued are checked by that check).
    pub(super) fn publish_plugins(&mut self, plugins: Vec<Vec<Uri>>, scan_run: u64) -> usize {
        if self.caps.pull {
            return 0;
        }
        let mut total = 0;
        for uris in plugins {
            let uris: Vec<Uri> = uris.into_iter().filter(|u| self.checks.want(u)).collect();
            if uris.is_empty() {
                continue;
            }
            total += uris.len();
            self.checks.background.push_back(Job {
                uris,
                scan_run: Some(scan_run),
            });
        }
        self.start_checks();
        total
    }

    /// Starts queued jobs while fewer than the limit run.
    fn start_checks(&mut self) {
        while self.checks.running < self.checks.limit {
            let Some(job) = self
                .checks
                .urgent
                .pop_front()
                .or_else(|| self.checks.background.pop_front())
            else {
                return;
            };
            // Every document of the job counts as done for the progress,
            // whether it is checked or had nothing left to check.
            let count = job.uris.len();
            let mut sources = Vec::with_capacity(count);
            for uri in job.uris {
                self.checks.queued.remove(&uri);
                let Some(&ticket) = self.checks.wanted.get(&uri) else {
                    continue;
                };
                // Taken after the ticket: a change after it asks for a later one.
                if let Some(s) = self.snapshot(&uri) {
                    sources.push((ticket, Some(s.doc.version), Source::Open(s)));
                    continue;
                }
                let workspace = self
                    .workspace_docs
                    .get(&uri)
                    .is_some_and(|(p, _)| self.scope(p) == Scope::Workspace);
                match workspace.then(|| self.disk_document(&uri)).flatten() {
                    Some(d) => sources.push((ticket, None, Source::Disk(d))),
                    // Neither open nor the workspace's: what it had goes.
                    None if !self.is_open(&uri) && self.published.remove(&uri).is_some() => {
                        self.publish_serialised(&uri, "[]", None);
                    }
                    None => {}
                }
            }
            self.checks.running += 1;
            let events = self.events.clone();
            let scan_run = job.scan_run;
            tokio::task::spawn_blocking(move || {
                // The job reports back whatever happens in it: a job that
                // did not would hold its slot for good.
                let run =
                    || -> Vec<Checked> { read_together(sources).into_iter().map(check).collect() };
                let checked = std::panic::catch_unwind(AssertUnwindSafe(|| match scan_run {
                    // The workspace check's plugins: nobody edits them.
                    Some(_) => crate::analysis::python::cache::in_one_pass(run),
                    None => run(),
                }))
                .unwrap_or_default();
                Session::apply_later(&events, move |s| s.checked(checked, scan_run, count));
            });
        }
    }

    /// A job is done: its results are published where still wanted.
    fn checked(&mut self, checked: Vec<Checked>, scan_run: Option<u64>, count: usize) {
        self.checks.running -= 1;
        for c in checked {
            if self.checks.wanted.get(&c.uri) != Some(&c.ticket) {
                continue;
            }
            let Some((json, empty)) = c.diagnostics else {
                continue;
            };
            let entry = (c.version, json);
            if self.published.get(&c.uri) == Some(&entry) {
                continue;
            }
            // A closed document with nothing to say and nothing shown:
            // silence, so that a clean workspace costs no message per file.
            if c.version.is_none() && empty && !self.published.contains_key(&c.uri) {
                continue;
            }
            self.publish_serialised(&c.uri, &entry.1, c.version);
            self.published.insert(c.uri, entry);
        }
        if let Some(run) = scan_run {
            self.scan_progressed(run, count);
        }
        self.start_checks();
    }
}

/// A document of a job, ready to check: no snapshot when unreadable.
struct ToCheck {
    ticket: u64,
    version: Option<i32>,
    uri: Uri,
    snapshot: Option<RequestSnapshot>,
    /// Read from the disk by the job (not open).
    from_disk: bool,
}

/// The job's documents, those not open read from the disk at once: each
/// is then seen by the others' checks as an open text, so that a plugin's
/// code is read once (it was read as a document, then again as code).
fn read_together(sources: Vec<(u64, Option<i32>, Source)>) -> Vec<ToCheck> {
    let mut read: Vec<ToCheck> = sources
        .into_iter()
        .map(|(ticket, version, source)| {
            let (uri, snapshot, from_disk) = match source {
                Source::Open(s) => (s.uri.clone(), Some(s), false),
                Source::Disk(d) => (d.uri.clone(), d.read(), true),
            };
            ToCheck {
                ticket,
                version,
                uri,
                snapshot,
                from_disk,
            }
        })
        .collect();
    let texts: Vec<(PathBuf, Arc<str>)> = read
        .iter()
        .filter(|r| r.from_disk)
        .filter_map(|r| r.snapshot.as_ref())
        .map(|s| (s.path.clone(), s.doc.text.clone()))
        .collect();
    if texts.len() > 1 {
        // The job's documents share one view's open texts: the texts read
        // go into it once, and every document gets the same copy.
        let mut widened: Option<(OpenTexts, OpenTexts)> = None;
        for r in read.iter_mut().filter(|r| r.from_disk) {
            if let Some(s) = &mut r.snapshot {
                let same = widened
                    .as_ref()
                    .filter(|(from, _)| Arc::ptr_eq(from, &s.open));
                let open = match same {
                    Some((_, open)) => open.clone(),
                    None => {
                        let mut open = (*s.open).clone();
                        for (path, text) in &texts {
                            open.entry(path.clone()).or_insert_with(|| text.clone());
                        }
                        let open = Arc::new(open);
                        widened = Some((s.open.clone(), open.clone()));
                        open
                    }
                };
                s.open = open;
            }
        }
    }
    read
}

/// Checks one document, on a blocking thread.
fn check(doc: ToCheck) -> Checked {
    let ToCheck {
        ticket,
        version,
        uri,
        snapshot,
        ..
    } = doc;
    let Some(snapshot) = snapshot else {
        // Unreadable now: what it had is cleared.
        return Checked {
            uri,
            ticket,
            version,
            diagnostics: Some(("[]".into(), true)),
        };
    };
    let diagnostics = (|| {
        let diags = contained("textDocument/publishDiagnostics", || {
            Ok(handlers::diagnostics::analyse(&snapshot))
        })
        .ok()?;
        let converted = handlers::diagnostics::to_lsp(&snapshot, &diags);
        let json = serde_json::to_string(&converted).ok()?;
        Some((json, converted.is_empty()))
    })();
    Checked {
        uri,
        ticket,
        version,
        diagnostics,
    }
}
